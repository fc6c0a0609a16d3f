// The exact counter against known counts (rank files come from the npm tiktoken package that
// scripts/test.sh installs; a missing file fails the test with the loader's message).
#include "domain/session/bpe_token_counter.h"

#include <gtest/gtest.h>

namespace ragcache::session {
namespace {

TEST(BpeTokenCounter, CountsExactlyAndEstimateIsSelectable) {
  auto exact = make_token_counter("cl100k_base");
  ASSERT_TRUE(exact.has_value()) << exact.error().message();
  EXPECT_EQ((*exact)->name(), "cl100k_base");
  EXPECT_EQ((*exact)->count("hello world"), 2u);  // "hello", " world"
  EXPECT_EQ((*exact)->count(""), 0u);
  auto estimate = make_token_counter("estimate");
  ASSERT_TRUE(estimate.has_value());
  EXPECT_EQ((*estimate)->name(), "estimate");
  auto unknown = make_token_counter("no_such_encoding");
  EXPECT_FALSE(unknown.has_value());
}

}  // namespace
}  // namespace ragcache::session
