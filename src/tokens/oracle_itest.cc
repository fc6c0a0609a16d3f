// The tokenizer against its oracle: token ids and counts of the npm `tiktoken` (WASM) package, on
// a deterministic corpus of 12,000 varied texts (testdata/corpus.h) plus hand-picked edge cases,
// for both encodings, with the real rank files. Node and the package must be installed
// (scripts/test.sh installs tools/node); if they are not, these tests fail: they never skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"
#include "tokens/chat.h"
#include "tokens/registry.h"
#include "tokens/testdata/corpus.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kCorpusLines = 12000;
constexpr int kOracleTimeoutMs = 100000;

// Texts every run must get right, whatever the generator draws.
std::vector<std::string> edge_cases() {
  return {
      "",
      " ",
      "\n",
      "\xEF\xBB\xBF",  // U+FEFF alone
      "\xEF\xBB\xBFhello \xEF\xBB\xBF world\xEF\xBB\xBF",
      "\xC2\x85",  // U+0085 NEXT LINE: White_Space, not category Z
      "a\xC2\x85\xC2\x85 b  \xC2\x85\n",
      "x \xC2\xA0 y\xE3\x80\x80\xE3\x80\x80z\xE2\x80\xA8",
      std::string(1000, ' '),
      std::string(1000, ' ') + "x",
      std::string(500, '\n') + std::string(500, ' '),
      "\t\t\t\tif (x) {\r\n\t\t\t\t\treturn;\r\n\t\t\t\t}",
      "it's THEY'RE we'll I'M it\xC5\xBF don'T 'LL",
      "Hello, world! 12345678901234567890",
      "你好，世界！这是一个测试。",
      "👨‍👩‍👧‍👦🏳️‍🌈🇺🇸👍🏽",
      "<|endoftext|>hello<|endofprompt|> <|fim_prefix|>",
      "\xFF\xFE bad \xC0\xAF bytes \xED\xA0\x80 \xF0\x9F\x98",
      "CamelCaseWordsAndHTTPServer getElementById XMLHttpRequest",
      "1/2/3 path/to/file a//b ///",
      std::string(5000, 'a'),
      std::string("nul\0byte \0\0 'll\0", 16),
  };
}

std::vector<std::string> corpus() {
  static const std::vector<std::string> lines = [] {
    auto all = edge_cases();
    auto generated = testdata::make_corpus(kCorpusLines);
    all.insert(all.end(), generated.begin(), generated.end());
    return all;
  }();
  return lines;
}

bool node_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::error_code ec;
    if (!dir.empty() && fs::is_regular_file(fs::path(dir) / "node", ec)) return true;
  }
  return false;
}

std::vector<Rank> parse_ids(const std::string& line) {
  std::vector<Rank> ids;
  std::istringstream in(line);
  Rank id = 0;
  while (in >> id) ids.push_back(id);
  return ids;
}

// Runs the oracle script over `texts`; returns one id list per text. Fails the test (and returns
// empty) if node, the package or the script is missing or breaks.
std::vector<std::vector<Rank>> oracle_ids(const std::string& encoding, const std::string& mode,
                                          const std::vector<std::string>& texts) {
  if (!node_installed()) {
    ADD_FAILURE() << "`node` is not on PATH: install nodejs and run `npm install` in tools/node "
                     "(scripts/test.sh does both); the tokenizer's oracle needs it";
    return {};
  }
  std::string dir_name = "ragcache_tokens_oracle_";
  dir_name += std::to_string(::getpid());
  dir_name += "_" + encoding + "_" + mode;
  const fs::path dir = fs::temp_directory_path() / dir_name;
  fs::create_directories(dir);
  const fs::path input = dir / "input.hex";
  const fs::path output = dir / "output.txt";
  const fs::path log = dir / "node.log";
  {
    std::ofstream out(input, std::ios::binary);
    for (const auto& t : texts) out << testdata::to_hex(t) << '\n';
  }
  const std::string script = std::string(RAGCACHE_TOKENS_TESTDATA) + "/tiktoken_oracle.cjs";
  testing::Process node({"node", script, encoding, mode, input.string(), output.string()}, log.string());
  if (!node.wait_exit(kOracleTimeoutMs)) {
    ADD_FAILURE() << "the tiktoken oracle did not finish in time";
    return {};
  }
  std::ifstream in(output);
  if (!in) {
    std::ifstream log_in(log);
    std::stringstream log_text;
    log_text << log_in.rdbuf();
    ADD_FAILURE() << "the tiktoken oracle produced no output (is the npm package installed? run "
                     "`npm install` in tools/node). node said:\n"
                  << log_text.str();
    return {};
  }
  std::vector<std::vector<Rank>> result;
  std::string line;
  bool ended = false;
  while (std::getline(in, line)) {
    if (line == "END") {
      ended = true;
      break;
    }
    result.push_back(parse_ids(line));
  }
  EXPECT_TRUE(ended) << "oracle output truncated";
  EXPECT_EQ(result.size(), texts.size());
  fs::remove_all(dir);
  return result;
}

std::shared_ptr<const Encoding> load(const std::string& name) {
  auto encoding = get_encoding(name);
  EXPECT_TRUE(encoding.has_value()) << (encoding ? "" : encoding.error().message());
  return encoding ? *encoding : nullptr;
}

void expect_matches_oracle(const std::string& name) {
  const auto encoding = load(name);
  ASSERT_NE(encoding, nullptr);
  const auto& texts = corpus();
  ASSERT_GE(texts.size(), 10000u);
  const auto expected = oracle_ids(name, "ordinary", texts);
  ASSERT_EQ(expected.size(), texts.size());
  std::size_t mismatches = 0;
  std::size_t total_tokens = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto ids = encoding->encode(texts[i]);
    const auto count = encoding->count(texts[i]);
    total_tokens += expected[i].size();
    if (ids != expected[i] || count != expected[i].size()) {
      if (++mismatches <= 10) {
        ADD_FAILURE() << name << " line " << i << " (hex " << testdata::to_hex(texts[i]).substr(0, 400)
                      << "): oracle " << expected[i].size() << " tokens, encode " << ids.size() << ", count "
                      << count;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << texts.size() << " texts";
  EXPECT_GT(total_tokens, 500000u) << "the corpus should be big enough to mean something";
}

TEST(TokensOracle, Cl100kIdsAndCountsEqualTiktoken) { expect_matches_oracle("cl100k_base"); }

TEST(TokensOracle, O200kIdsAndCountsEqualTiktoken) { expect_matches_oracle("o200k_base"); }

TEST(TokensOracle, SpecialTokensWhenAllowedEqualTiktoken) {
  std::vector<std::string> texts;
  for (const auto& t : corpus()) {
    if (t.find("<|") != std::string::npos) texts.push_back(t);
  }
  texts.push_back("<|endoftext|><|endoftext|>");
  texts.push_back("a<|fim_prefix|>b<|fim_middle|>c<|fim_suffix|>d<|endofprompt|>");
  for (const std::string name : {"cl100k_base", "o200k_base"}) {
    const auto encoding = load(name);
    ASSERT_NE(encoding, nullptr);
    const auto expected = oracle_ids(name, "special", texts);
    ASSERT_EQ(expected.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ(encoding->encode_with_special_tokens(texts[i]), expected[i]) << name << ": " << texts[i];
    }
  }
}

TEST(TokensOracle, SpecialTokenTextIsPlainTextByDefault) {
  const auto encoding = load("cl100k_base");
  ASSERT_NE(encoding, nullptr);
  const auto ids = encoding->encode("<|endoftext|>");
  EXPECT_GT(ids.size(), 1u);
  for (Rank id : ids) EXPECT_NE(id, 100257u);
  EXPECT_EQ(encoding->encode_with_special_tokens("<|endoftext|>"), std::vector<Rank>{100257});
}

TEST(TokensOracle, DecodeRoundTripsValidText) {
  for (const std::string name : {"cl100k_base", "o200k_base"}) {
    const auto encoding = load(name);
    ASSERT_NE(encoding, nullptr);
    const auto& texts = corpus();
    for (std::size_t i = 0; i < 2000 && i < texts.size(); ++i) {
      const auto& t = texts[i];
      if (t.find('\xFF') != std::string::npos) continue;
      const auto ids = encoding->encode(t);
      const std::string back = encoding->decode(ids);
      // Invalid input decodes to its repaired form; valid input to itself.
      EXPECT_EQ(encoding->encode(back), ids) << name << " line " << i;
    }
  }
}

TEST(TokensOracle, ConcurrentThreadsShareOneInstanceAndAgree) {
  const auto encoding = load("o200k_base");
  ASSERT_NE(encoding, nullptr);
  const auto& texts = corpus();
  std::vector<std::size_t> single(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) single[i] = encoding->count(texts[i]);
  constexpr int kThreads = 4;
  std::vector<std::size_t> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread fetches the encoding through the registry: it must be the same instance.
      auto again = get_encoding("o200k_base");
      if (!again || again->get() != encoding.get()) ++mismatches[t];
      for (std::size_t i = t; i < texts.size(); i += 3) {
        if (encoding->count(texts[i]) != single[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0u) << "thread " << t;
}

// OpenAI's own `.tiktoken` form of the same vocabulary (written here from the npm JSON, since
// nothing is downloaded) must give the same encoding as the JSON form.
TEST(TokensOracle, TiktokenFileFormGivesTheSameIdsAsTheJsonForm) {
  const auto from_json = load("o200k_base");
  ASSERT_NE(from_json, nullptr);
  std::string file_name = "ragcache_o200k_base_";
  file_name += std::to_string(::getpid());
  file_name += ".tiktoken";
  const fs::path path = fs::temp_directory_path() / file_name;
  {
    std::ofstream out(path, std::ios::binary);
    std::vector<Rank> one(1);
    for (Rank r = 0; r < from_json->vocabulary_size(); ++r) {
      one[0] = r;
      out << ragcache::encode_base64(from_json->decode(one)) << ' ' << r << '\n';
    }
  }
  auto from_file = load_encoding("o200k_base", LoadOptions{path.string()});
  fs::remove(path);
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message();
  EXPECT_EQ((*from_file)->vocabulary_size(), from_json->vocabulary_size());
  EXPECT_EQ((*from_file)->special_tokens(), from_json->special_tokens());
  const auto& texts = corpus();
  for (std::size_t i = 0; i < 3000 && i < texts.size(); ++i) {
    ASSERT_EQ((*from_file)->encode(texts[i]), from_json->encode(texts[i])) << "line " << i;
  }
}

TEST(TokensOracle, ChatCountFollowsTheCookbookFormula) {
  const auto encoding = load("o200k_base");
  ASSERT_NE(encoding, nullptr);
  const std::vector<ChatMessage> messages = {
      {"system", "You are a helpful assistant.", std::nullopt},
      {"user", "What is the capital of France?", "alice"},
  };
  // Per the cookbook: 3 per message + role + content (+ name + 1), + 3 for the reply.
  const std::size_t expected = 3 + encoding->count("system") +
                               encoding->count("You are a helpful assistant.") + 3 + encoding->count("user") +
                               encoding->count("What is the capital of France?") + encoding->count("alice") +
                               1 + 3;
  EXPECT_EQ(count_chat_tokens(*encoding, messages), expected);
  // The known value of this example with o200k_base: system(1) + 6 content tokens, user(1) + 7 + alice(1).
  EXPECT_EQ(encoding->count("You are a helpful assistant."), 6u);
}

}  // namespace
}  // namespace ragcache::tokens
