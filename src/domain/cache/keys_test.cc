#include "domain/cache/keys.h"

#include <gtest/gtest.h>

namespace ragcache::cache {
namespace {

const std::string kHash(64, 'a');

TEST(KeySchemaTest, ParseExactIsTheInverseOfExact) {
  for (const std::string prefix : {"", "t1:"}) {
    KeySchema keys(prefix);
    for (const std::string ns : {"", "docs", "docs:v2"}) {
      auto parsed = keys.parse_exact(keys.exact(ns, kHash));
      ASSERT_TRUE(parsed) << prefix << ns;
      EXPECT_EQ(parsed->first, ns);
      EXPECT_EQ(parsed->second, kHash);
    }
  }
}

TEST(KeySchemaTest, ParseExactRefusesOtherNames) {
  KeySchema keys;
  EXPECT_FALSE(keys.parse_exact(kHash));
  EXPECT_FALSE(keys.parse_exact("rag:flight:{" + kHash + "}"));
  EXPECT_FALSE(keys.parse_exact("rag:exact:ns{" + kHash + "}"));  // namespace without its ':'
  EXPECT_FALSE(keys.parse_exact("rag:exact:{" + kHash));
  EXPECT_FALSE(KeySchema("t1:").parse_exact(keys.exact("", kHash)));  // another prefix
}

}  // namespace
}  // namespace ragcache::cache
