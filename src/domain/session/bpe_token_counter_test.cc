#include "domain/session/bpe_token_counter.h"

#include <gtest/gtest.h>

namespace ragcache::session {
namespace {

TEST(MakeTokenCounter, EstimateByName) {
  auto c = make_token_counter("estimate");
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->name(), "estimate");
}

TEST(MakeTokenCounter, UnknownEncodingIsAnError) { EXPECT_FALSE(make_token_counter("no_such_encoding")); }

// Counts from OpenAI's tiktoken (npm tiktoken 1.0.x, cl100k_base): "hello world" = 2 tokens,
// each chat role = 1 token. Skipped where the rank file is not installed.
TEST(MakeTokenCounter, ExactCountsWithTheChatOverhead) {
  auto c = make_token_counter("cl100k_base");
  if (!c) GTEST_SKIP() << c.error().message();
  EXPECT_EQ((*c)->name(), "cl100k_base");
  EXPECT_EQ((*c)->count("hello world"), 2u);
  Message m;
  m.role = "user";
  m.content = "hello world";
  EXPECT_EQ(message_tokens(**c, m), kTokensPerMessage + kTokensPerRole + 2);
}

}  // namespace
}  // namespace ragcache::session
