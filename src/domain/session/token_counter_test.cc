#include "domain/session/token_counter.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ragcache::session {
namespace {

TEST(EstimateTokenCounter, AsciiIsAboutFourBytesPerToken) {
  EstimateTokenCounter c;
  EXPECT_EQ(c.count(""), 0u);
  EXPECT_EQ(c.count("a"), 1u);
  EXPECT_EQ(c.count("abcd"), 1u);
  EXPECT_EQ(c.count("abcde"), 2u);
  EXPECT_EQ(c.count(std::string(400, 'x')), 100u);
}

TEST(EstimateTokenCounter, NonAsciiCodePointsCountOneEach) {
  EstimateTokenCounter c;
  EXPECT_EQ(c.count("\xe4\xbd\xa0\xe5\xa5\xbd"), 2u);         // 你好
  EXPECT_EQ(c.count("ab\xe4\xbd\xa0" "cd"), 3u);              // "ab" 1 + 你 1 + "cd" 1
  EXPECT_EQ(c.count("\xf0\x9f\x98\x80"), 1u);                 // one emoji
}

TEST(EstimateTokenCounter, MalformedUtf8NeverCrashes) {
  EstimateTokenCounter c;
  EXPECT_EQ(c.count("\x80\x80"), 2u);  // stray continuation bytes
  EXPECT_EQ(c.count("\xe4"), 1u);      // truncated sequence at the end
  EXPECT_EQ(c.count("\xe4" "a"), 2u);  // truncated sequence before ASCII
}

// A counter that counts bytes, so the chat overhead is visible exactly.
class ByteCounter final : public TokenCounter {
 public:
  std::size_t count(std::string_view text) const override { return text.size(); }
  std::string_view name() const override { return "bytes"; }
};

Message msg(std::string role, std::string content) {
  Message m;
  m.role = std::move(role);
  m.content = std::move(content);
  return m;
}

TEST(MessageTokens, ChatOverheadAsOpenAiCountsIt) {
  ByteCounter c;
  auto m = msg("user", "hello");
  EXPECT_EQ(message_tokens(c, m), kTokensPerMessage + kTokensPerRole + 5);
  m.name = "bob";
  EXPECT_EQ(message_tokens(c, m), kTokensPerMessage + kTokensPerRole + 5 + 3 + kTokensPerName);
}

TEST(MessageTokens, CallersCountReplacesTheContentCount) {
  ByteCounter c;
  auto m = msg("assistant", "a long answer");
  m.content_tokens = 2;
  EXPECT_EQ(message_tokens(c, m), kTokensPerMessage + kTokensPerRole + 2);
}

TEST(MessageTokens, ToolFieldsAreCounted) {
  ByteCounter c;
  auto m = msg("assistant", "");
  const auto bare = message_tokens(c, m);
  m.tool_calls = boost::json::parse(R"([{"id":"c1","type":"function"}])");
  EXPECT_GT(message_tokens(c, m), bare);
}

}  // namespace
}  // namespace ragcache::session
