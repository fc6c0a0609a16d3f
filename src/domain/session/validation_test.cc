#include "domain/session/validation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/session/errors.h"

namespace ragcache::session {
namespace {

constexpr std::int64_t kNow = 1732665600000;

Message msg(std::string role, std::string content, std::string id = {}) {
  Message m;
  m.role = std::move(role);
  m.content = std::move(content);
  m.id = std::move(id);
  return m;
}

AppendLimits limits(std::optional<std::size_t> messages, std::optional<std::size_t> tokens = {},
                    std::optional<std::chrono::milliseconds> ttl = {}) {
  AppendLimits l;
  l.max_messages = messages;
  l.max_tokens = tokens;
  l.idle_ttl = ttl;
  return l;
}

bool has_code(const Error& e, Errc code) { return e.code == make_error_code(code); }

Result<PreparedAppend> prepare(const std::vector<Message>& msgs, const SessionOptions& options = {},
                               const AppendLimits& limits = {}) {
  return prepare_append(msgs, options, limits, *estimate_token_counter(), kNow);
}

TEST(Validation, SessionIds) {
  EXPECT_TRUE(validate_session_id("3f2a9c1e-6d4b-4c1a-9e55-0a1b2c3d4e5f"));
  EXPECT_TRUE(validate_session_id("user:42/chat.7_x"));
  EXPECT_TRUE(validate_session_id(std::string(kMaxIdLength, 'a')));
  for (std::string bad : {std::string(), std::string(kMaxIdLength + 1, 'a'), std::string("a b"), std::string("a{b"),
                          std::string("a}b"), std::string("a\nb"), std::string("a\"b"), std::string("a\\b"), std::string("caf\xc3\xa9")}) {
    auto r = validate_session_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(has_code(r.error(), Errc::invalid_session_id));
    EXPECT_FALSE(r.error().detail.empty());
  }
  EXPECT_TRUE(has_code(validate_user_id("").error(), Errc::invalid_user_id));
}

TEST(Validation, LimitsTakeOverridesWithinHardCaps) {
  SessionOptions options;
  auto l = resolve_limits(options, {});
  ASSERT_TRUE(l);
  EXPECT_EQ(l->max_messages, 20u);
  EXPECT_EQ(l->max_tokens, 4000u);
  EXPECT_EQ(l->idle_ttl, std::chrono::hours(24));
  l = resolve_limits(options, limits(5, 100, std::chrono::seconds(3)));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->max_messages, 5u);
  EXPECT_EQ(l->max_tokens, 100u);
  EXPECT_EQ(l->idle_ttl, std::chrono::seconds(3));
  EXPECT_TRUE(has_code(resolve_limits(options, limits(0)).error(), Errc::invalid_limits));
  EXPECT_TRUE(has_code(resolve_limits(options, limits(kHardMaxMessages + 1)).error(), Errc::invalid_limits));
  EXPECT_TRUE(has_code(resolve_limits(options, limits({}, 0)).error(), Errc::invalid_limits));
  EXPECT_TRUE(has_code(resolve_limits(options, limits({}, {}, std::chrono::milliseconds(0))).error(), Errc::invalid_limits));
}

TEST(Validation, PrepareEncodesCountsAndStamps) {
  std::vector<Message> msgs = {msg("user", "hello there", "u1"), msg("assistant", "hi")};
  msgs[1].content_tokens = 7;
  auto p = prepare(msgs);
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_EQ(p->messages.size(), 2u);
  EXPECT_EQ(p->messages[0].id, "u1");
  EXPECT_EQ(p->messages[0].tokens, message_tokens(*estimate_token_counter(), msgs[0]));
  EXPECT_EQ(p->messages[1].tokens, kTokensPerMessage + kTokensPerRole + 7);
  EXPECT_EQ(p->messages[1].id.size(), 32u);  // generated
  auto stored = from_stored_json(p->messages[0].json);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content, "hello there");
  EXPECT_EQ(stored->tokens, p->messages[0].tokens);
  EXPECT_EQ(stored->time_ms, kNow);
}

TEST(Validation, BadMessagesAreRefusedWithTheField) {
  auto r = prepare({msg("wizard", "x")});
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_code(r.error(), Errc::invalid_message));
  EXPECT_NE(r.error().detail.find("messages[0]"), std::string::npos);

  r = prepare({msg("user", "x", "bad id")});
  EXPECT_TRUE(has_code(r.error(), Errc::invalid_message));
  r = prepare({msg("user", "x", "same"), msg("assistant", "y", "same")});
  EXPECT_TRUE(has_code(r.error(), Errc::invalid_message));
  EXPECT_NE(r.error().detail.find("messages[1]"), std::string::npos);
  auto with_calls = msg("assistant", "");
  with_calls.tool_calls = boost::json::parse("{}");
  r = prepare({with_calls});
  EXPECT_TRUE(has_code(r.error(), Errc::invalid_message));
  auto counted = msg("user", "x");
  counted.content_tokens = kHardMaxTokens + 1;
  r = prepare({counted});
  EXPECT_TRUE(has_code(r.error(), Errc::invalid_message));
}

TEST(Validation, SizeAndCountLimits) {
  SessionOptions options;
  options.max_message_bytes = 200;
  options.max_messages_per_call = 2;
  EXPECT_TRUE(has_code(prepare({}, options).error(), Errc::no_messages));
  std::vector<Message> three(3, msg("user", "x"));
  EXPECT_TRUE(has_code(prepare(three, options).error(), Errc::too_many_messages));
  auto r = prepare({msg("user", std::string(201, 'x'))}, options);
  EXPECT_TRUE(has_code(r.error(), Errc::message_too_large));
  // Content under the limit but the stored form (with id, tokens, ts) over it.
  r = prepare({msg("user", std::string(180, 'x'))}, options);
  EXPECT_TRUE(has_code(r.error(), Errc::message_too_large));
  EXPECT_TRUE(prepare({msg("user", std::string(10, 'x'))}, options));
}

TEST(Validation, ContextValues) {
  SessionOptions options;
  options.max_context_bytes = 10;
  EXPECT_TRUE(validate_context_value("resolved_context", "short", options));
  auto r = validate_context_value("summary", std::string(11, 'x'), options);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_code(r.error(), Errc::value_too_large));
  EXPECT_NE(r.error().detail.find("summary"), std::string::npos);
}

}  // namespace
}  // namespace ragcache::session
