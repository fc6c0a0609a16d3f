// The semantic/embedder/access-log options of `ragcache serve`: defaults, sources, validation.
#include "app/serve_config.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

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

}  // namespace
}  // namespace ragcache::app
