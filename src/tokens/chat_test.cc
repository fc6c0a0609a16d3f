#include "tokens/chat.h"

#include <gtest/gtest.h>

#include "tokens/pattern.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

std::shared_ptr<const Encoding> toy_encoding() {
  auto encoding = Encoding::create("toy", testdata::toy_rank_map(), kCl100kPattern, {});
  EXPECT_TRUE(encoding.has_value());
  return *encoding;
}

TEST(ChatTokens, EmptyListCostsTheReplyPriming) { EXPECT_EQ(count_chat_tokens(*toy_encoding(), {}), 3u); }

TEST(ChatTokens, EachMessageAddsFramingRoleAndContent) {
  const auto enc = toy_encoding();
  const std::vector<ChatMessage> one = {{"user", "hello world", std::nullopt}};
  EXPECT_EQ(count_chat_tokens(*enc, one), 3 + enc->count("user") + enc->count("hello world") + 3);
  std::vector<ChatMessage> two = one;
  two.push_back({"assistant", "", std::nullopt});
  EXPECT_EQ(count_chat_tokens(*enc, two), count_chat_tokens(*enc, one) + 3 + enc->count("assistant"));
}

TEST(ChatTokens, ANameCostsItsTokensPlusOne) {
  const auto enc = toy_encoding();
  const std::vector<ChatMessage> unnamed = {{"user", "hi", std::nullopt}};
  const std::vector<ChatMessage> named = {{"user", "hi", "hello"}};
  EXPECT_EQ(count_chat_tokens(*enc, named), count_chat_tokens(*enc, unnamed) + enc->count("hello") + 1);
}

}  // namespace
}  // namespace ragcache::tokens
