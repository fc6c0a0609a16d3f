#include "tokens/rank_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tokens/errors.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

void expect_toy_ranks(const RankMap& ranks) {
  const auto entries = testdata::toy_entries();
  EXPECT_EQ(ranks.size(), entries.size());
  for (const auto& [bytes, rank] : entries) EXPECT_EQ(ranks.find(bytes), rank) << bytes;
}

TEST(RankFile, ParsesTiktokenLines) {
  auto data = parse_rank_file(testdata::toy_tiktoken_file(), "toy.tiktoken");
  ASSERT_TRUE(data.has_value()) << data.error().message();
  expect_toy_ranks(data->ranks);
  EXPECT_FALSE(data->pattern.has_value());
  EXPECT_TRUE(data->special_tokens.empty());
}

TEST(RankFile, ParsesTheNpmJsonEncoder) {
  const std::string json = testdata::toy_json_encoder(
      R"("pat_str":"\\s+|\\p{L}+","special_tokens":{"<|endoftext|>":300,"<|x|>":301},"extra":[1,{"a":null}],)");
  auto data = parse_rank_file(json, "toy.json");
  ASSERT_TRUE(data.has_value()) << data.error().message();
  expect_toy_ranks(data->ranks);
  EXPECT_EQ(data->pattern, R"(\s+|\p{L}+)");
  ASSERT_EQ(data->special_tokens.size(), 2u);
  EXPECT_EQ(data->special_tokens[0], (std::pair<std::string, Rank>{"<|endoftext|>", 300}));
}

TEST(RankFile, CompactFormMayMixBlocksAndSingleLines) {
  // Like p50k_base's file: a second "!" block starting at a later rank, and a "<b64> <rank>" line.
  const std::string ranks = "! 0 YQ== Yg==\\n! 10 Yw== ZA==\\nZQ== 20";
  std::string json = R"({"bpe_ranks":")";
  json += ranks;
  json += "\"}";
  auto data = parse_rank_file(json, "mixed.json");
  ASSERT_TRUE(data.has_value()) << data.error().message();
  EXPECT_EQ(data->ranks.find("a"), 0u);
  EXPECT_EQ(data->ranks.find("b"), 1u);
  EXPECT_EQ(data->ranks.find("c"), 10u);
  EXPECT_EQ(data->ranks.find("d"), 11u);
  EXPECT_EQ(data->ranks.find("e"), 20u);
}

TEST(RankFile, MalformedDataIsAnErrorNamingTheLine) {
  for (const std::string bad :
       {"YQ== 0\nYg==\n", "YQ== 0\n$$$ 1\n", "YQ== 0\nYQ== 1\n", "YQ== x\n", "YQ== 0 9\n", "", "\n\n",
        "{\"pat_str\":\"x\"}", "{\"bpe_ranks\":\"! 0 YQ== YQ==\"}", "{\"bpe_ranks\": 5}",
        "{\"bpe_ranks\":\"YQ== 0\"", "{\"bpe_ranks\":\"YQ== 0\"} x"}) {
    auto data = parse_rank_file(bad, "bad.tiktoken");
    ASSERT_FALSE(data.has_value()) << bad;
    EXPECT_EQ(data.error().code, make_error_code(Errc::rank_file_invalid)) << bad;
    EXPECT_NE(data.error().detail.find("bad.tiktoken"), std::string::npos);
  }
  auto data = parse_rank_file("YQ== 0\nYg==\n", "f");
  ASSERT_FALSE(data.has_value());
  EXPECT_NE(data.error().detail.find("f:2:"), std::string::npos) << data.error().detail;
}

TEST(RankFile, LoadsFromDiskAndReportsAMissingFile) {
  const auto path =
      std::filesystem::temp_directory_path() / ("ragcache_rank_file_" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << testdata::toy_tiktoken_file();
  }
  auto data = load_rank_file(path.string());
  ASSERT_TRUE(data.has_value()) << data.error().message();
  expect_toy_ranks(data->ranks);
  std::filesystem::remove(path);
  auto missing = load_rank_file(path.string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, make_error_code(Errc::rank_file_missing));
}

}  // namespace
}  // namespace ragcache::tokens
