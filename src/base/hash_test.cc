#include "base/hash.h"

#include <gtest/gtest.h>

#include "base/random.h"

namespace ragcache {
namespace {

TEST(Hash, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, Sha256IncrementalEqualsOneShot) {
  Sha256 h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.finish_hex(), sha256_hex("abc"));
}

TEST(Hash, Sha1MatchesRedisScriptNaming) {
  // SCRIPT LOAD "return 1" answers with this id.
  EXPECT_EQ(sha1_hex("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST(Hash, Fnv1aKnownVectors) {
  // The published FNV-1a test values (empty string, "a", "foobar").
  static_assert(fnv1a_64("") == 0xcbf29ce484222325ULL);
  static_assert(fnv1a_32("") == 0x811c9dc5u);
  EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a_32("a"), 0xe40c292cu);
  EXPECT_EQ(fnv1a_64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_EQ(fnv1a_32("foobar"), 0xbf9cf968u);
}

TEST(Random, TokensAreDistinctHex) {
  auto a = random_token(), b = random_token();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Random, BetweenStaysInRange) {
  for (int i = 0; i < 1000; ++i) {
    auto v = random_between(10, 20);
    EXPECT_GE(v, 10u);
    EXPECT_LE(v, 20u);
  }
}

TEST(IsLowerHex, OnlyLowercaseHexDigits) {
  EXPECT_TRUE(is_lower_hex(""));
  EXPECT_TRUE(is_lower_hex("0123456789abcdef"));
  EXPECT_FALSE(is_lower_hex("0123456789ABCDEF"));
  EXPECT_FALSE(is_lower_hex("abcg"));
  EXPECT_FALSE(is_lower_hex(std::string_view("ab\0c", 4)));
}

}  // namespace
}  // namespace ragcache
