#include "tokens/rank_map.h"

#include <gtest/gtest.h>

#include <string>

namespace ragcache::tokens {
namespace {

TEST(RankMap, FindsWhatWasInsertedAndNothingElse) {
  RankMap map;
  EXPECT_EQ(map.find("a"), kNoRank);  // empty map
  ASSERT_TRUE(map.insert("a", 0));
  ASSERT_TRUE(map.insert("abcdefgh", 1));           // exactly the inline prefix
  ASSERT_TRUE(map.insert("abcdefghi", 2));          // one byte past it
  ASSERT_TRUE(map.insert("abcdefghijklmnopq", 3));  // shares the prefix with the above
  ASSERT_TRUE(map.insert(std::string("\0\0", 2), 4));
  EXPECT_EQ(map.find("a"), 0u);
  EXPECT_EQ(map.find("abcdefgh"), 1u);
  EXPECT_EQ(map.find("abcdefghi"), 2u);
  EXPECT_EQ(map.find("abcdefghijklmnopq"), 3u);
  EXPECT_EQ(map.find(std::string("\0\0", 2)), 4u);
  EXPECT_EQ(map.find(std::string("\0", 1)), kNoRank);  // a zero-padded prefix must not match
  EXPECT_EQ(map.find("abcdefghijklmnopX"), kNoRank);
  EXPECT_EQ(map.find("b"), kNoRank);
  EXPECT_EQ(map.find(""), kNoRank);
  EXPECT_EQ(map.size(), 5u);
}

TEST(RankMap, RefusesDuplicatesAndBadArguments) {
  RankMap map;
  ASSERT_TRUE(map.insert("x", 7));
  EXPECT_FALSE(map.insert("x", 8));
  EXPECT_EQ(map.find("x"), 7u);
  EXPECT_FALSE(map.insert("", 1));
  EXPECT_FALSE(map.insert(std::string(RankMap::kMaxTokenBytes + 1, 'z'), 2));
  EXPECT_FALSE(map.insert("y", kNoRank));
  EXPECT_EQ(map.size(), 1u);
}

TEST(RankMap, GrowsAndKeepsEveryEntryAndItsBytes) {
  RankMap map;
  constexpr Rank kCount = 50000;
  for (Rank r = 0; r < kCount; ++r) ASSERT_TRUE(map.insert("tok" + std::to_string(r * 2654435761u), r));
  for (Rank r = 0; r < kCount; ++r) {
    const std::string key = "tok" + std::to_string(r * 2654435761u);
    ASSERT_EQ(map.find(key), r);
    ASSERT_EQ(map.bytes_of(r), key);
  }
  EXPECT_EQ(map.bytes_of(kCount), "");
}

}  // namespace
}  // namespace ragcache::tokens
