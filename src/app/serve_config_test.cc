// The semantic/embedder/access-log options of `ragcache serve`: defaults, sources, validation.
#include "app/serve_config.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

namespace ragcache::app {
namespace {

Result<ServeConfig> load(std::vector<std::string> flags, std::map<std::string, std::string> env = {}) {
  CLI::App app;
  ServeConfigLoader loader(app);
  std::vector<std::string> args{"serve"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return loader.load(env);
}

TEST(ServeConfig, SemanticDefaults) {
  auto c = load({}).value();
  EXPECT_EQ(c.semantic, "on");
  EXPECT_DOUBLE_EQ(c.semantic_threshold, 0.0) << "0: the embedder's own calibrated threshold";
  EXPECT_EQ(c.embedder, "builtin");
  EXPECT_EQ(c.neural_model, "") << "empty: the file under the data dir";
  EXPECT_TRUE(c.access_log);
}

TEST(ServeConfig, SemanticOptionsFromFlagsAndEnvironment) {
  auto c = load({"--semantic-threshold", "0.95", "--embedder", "openai", "--access-log", "off"},
                {{"RAGCACHE_EMBEDDER_MODEL", "m-1"}, {"RAGCACHE_SEMANTIC_NAMESPACE_THRESHOLDS", "docs=0.97"}})
               .value();
  EXPECT_DOUBLE_EQ(c.semantic_threshold, 0.95);
  EXPECT_EQ(c.embedder, "openai");
  EXPECT_EQ(c.embedder_model, "m-1");
  EXPECT_EQ(c.semantic_namespace_thresholds, "docs=0.97");
  EXPECT_FALSE(c.access_log);
}

TEST(ServeConfig, BadSemanticOptionsAreRefused) {
  EXPECT_FALSE(load({"--semantic-threshold", "1.5"}));
  EXPECT_FALSE(load({"--semantic-threshold", "-0.1"}));
  EXPECT_FALSE(load({"--embedder", "magic"}));
  EXPECT_FALSE(load({"--embedder-batch", "0"}));
  EXPECT_FALSE(load({"--semantic-namespace-thresholds", "docs=2"}));
}

TEST(ServeConfig, EveryBuiltInEmbedderCanBeChosenAndTheModelFileSet) {
  for (const char* e : {"builtin", "lexical", "neural", "openai"}) EXPECT_EQ(load({"--embedder", e}).value().embedder, e);
  EXPECT_EQ(load({}, {{"RAGCACHE_NEURAL_MODEL", "/models/use.bin"}}).value().neural_model, "/models/use.bin");
}

TEST(ServeConfig, NamespaceThresholds) {
  auto t = parse_namespace_thresholds(" docs=0.95, faq=0.8 ,").value();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].first, "docs");
  EXPECT_FLOAT_EQ(t[0].second, 0.95f);
  EXPECT_EQ(t[1].first, "faq");
  EXPECT_TRUE(parse_namespace_thresholds("").value().empty());
  for (const char* bad : {"docs", "=0.9", "docs=x", "docs=0", "docs=1.01"}) {
    EXPECT_FALSE(parse_namespace_thresholds(bad)) << bad;
  }
}

// The configuration file the Debian package installs as /etc/ragcache/ragcache.toml.
const std::string kShippedConfig = std::string(RAGCACHE_SOURCE_DIR) + "/packaging/ragcache.toml";

// "key = value" lines of a TOML text, as "section.key" -> value text (strings without their
// quotes: to_toml writes 'literal' strings, the shipped file "basic" ones).
std::map<std::string, std::string> toml_assignments(const std::string& text) {
  static const std::regex kAssign(R"(^([a-z0-9_]+) = ("[^"]*"|'[^']*'|[^ #]+))");
  static const std::regex kSection(R"(^\[([a-z_]+)\])");
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line, section;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, kSection)) {
      section = m[1].str() + ".";
    } else if (std::regex_search(line, m, kAssign)) {
      std::string value = m[2].str();
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      out[section + m[1].str()] = value;
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ServeConfig, ShippedConfigFileIsAccepted) {
  auto c = load({"--config", kShippedConfig});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->data_dir, "/var/lib/ragcache");  // the service's StateDirectory
  EXPECT_TRUE(c->cache_redis_url().empty());    // managed local redis-server by default
}

// Every option appears in the shipped file (set, or commented out with its default), and an
// operator who uncomments any line gets a file that loads, with the default the comment shows
// (the Redis URLs and the upstream are examples, not defaults).
TEST(ServeConfig, ShippedConfigFileShowsEveryOptionWithItsDefault) {
  const std::string shipped = read_file(kShippedConfig);
  ASSERT_FALSE(shipped.empty()) << kShippedConfig;
  const std::string uncommented = std::regex_replace(shipped, std::regex(R"((^|\n)# ([a-z0-9_]+ = ))"), "$1$2");
  // Per process: the same test of another build tree may run at the same time.
  const std::string path = testing::TempDir() + "/ragcache_uncommented_" + std::to_string(::getpid()) + ".toml";
  std::ofstream(path) << uncommented;
  auto c = load({"--config", path});
  std::remove(path.c_str());
  ASSERT_TRUE(c) << c.error().message();

  const auto shown = toml_assignments(uncommented);
  const auto defaults = toml_assignments(to_toml(ServeConfig{}));
  // Set by the package to the files it installs (data dir, the neural model).
  const std::set<std::string> examples = {"upstream", "redis", "cache_redis", "state_redis", "listen", "data_dir", "neural_model"};
  for (const auto& [key, value] : defaults) {
    auto it = shown.find(key);
    ASSERT_NE(it, shown.end()) << key << " is missing from " << kShippedConfig;
    if (!examples.contains(key)) {
      EXPECT_EQ(it->second, value) << key << ": the file shows another value than the default";
    }
  }
  for (const auto& [key, value] : shown) EXPECT_TRUE(defaults.contains(key)) << key << " is not an option";
}

}  // namespace
}  // namespace ragcache::app
