#include "tokens/byte_pair.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokens/testdata/corpus.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

// The definition of BPE, written as plainly as possible: merge the leftmost lowest-ranked pair
// until no pair is a token.
std::vector<Rank> reference_merge(const std::string& piece, const RankMap& ranks) {
  std::vector<std::string> parts;
  for (char c : piece) parts.emplace_back(1, c);
  while (parts.size() > 1) {
    Rank best = kNoRank;
    std::size_t at = 0;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      const Rank r = ranks.find(parts[i] + parts[i + 1]);
      if (r < best) {
        best = r;
        at = i;
      }
    }
    if (best == kNoRank) break;
    parts[at] += parts[at + 1];
    parts.erase(parts.begin() + static_cast<long>(at) + 1);
  }
  std::vector<Rank> ids;
  for (const auto& p : parts) ids.push_back(ranks.find(p));
  return ids;
}

std::vector<Rank> encoded(const std::string& piece, const RankMap& ranks) {
  std::vector<Rank> out;
  byte_pair_encode(piece, ranks, out);
  return out;
}

TEST(BytePair, MergesLowestRankFirstAndLeftmostOnTies) {
  const RankMap ranks = testdata::toy_rank_map();
  const Rank ab = ranks.find("ab"), c = ranks.find("c"), aa = ranks.find("aa"), a = ranks.find("a");
  const Rank hello = ranks.find("hello");
  // "abc": "ab" (256) beats "bc" (257), then "abc" (260) joins them.
  EXPECT_EQ(encoded("abc", ranks), std::vector<Rank>{ranks.find("abc")});
  // "abcab": leftmost "ab" first, then "abc", then "cab" is no longer possible.
  EXPECT_EQ(encoded("abcab", ranks), (std::vector<Rank>{ranks.find("abc"), ab}));
  // "aaa": the two "aa" pairs tie: the leftmost wins, then "aaa" joins.
  EXPECT_EQ(encoded("aaa", ranks), std::vector<Rank>{ranks.find("aaa")});
  EXPECT_EQ(encoded("aac", ranks), (std::vector<Rank>{aa, c}));
  EXPECT_EQ(encoded("a", ranks), std::vector<Rank>{a});
  EXPECT_EQ(encoded("hello", ranks), std::vector<Rank>{hello});
  EXPECT_EQ(encoded("xyz", ranks), (std::vector<Rank>{'x', 'y', 'z'}));
}

// Short pieces take the quadratic scan, long ones the heap: both must equal the definition.
TEST(BytePair, BothAlgorithmsEqualTheDefinitionAtEveryLength) {
  const RankMap ranks = testdata::toy_rank_map();
  testdata::SplitMix64 rng(42);
  const std::string alphabet = "aabbc hewlord ";
  for (int round = 0; round < 600; ++round) {
    const std::size_t length = 1 + rng.next() % (round < 300 ? kSmallPieceBytes : 4 * kSmallPieceBytes);
    std::string piece;
    for (std::size_t i = 0; i < length; ++i) piece += alphabet[rng.next() % alphabet.size()];
    const auto expected = reference_merge(piece, ranks);
    ASSERT_EQ(encoded(piece, ranks), expected) << piece;
    ASSERT_EQ(byte_pair_count(piece, ranks), expected.size()) << piece;
  }
}

TEST(BytePair, LongRunsOfOneByteMergeInPairsFromTheLeft) {
  const RankMap ranks = testdata::toy_rank_map();
  for (std::size_t n : {kSmallPieceBytes - 1, kSmallPieceBytes, kSmallPieceBytes + 1, std::size_t{4001}}) {
    const std::string piece(n, 'a');
    EXPECT_EQ(encoded(piece, ranks), reference_merge(piece, ranks)) << n;
  }
}

}  // namespace
}  // namespace ragcache::tokens
