#include "domain/session/message.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/session/errors.h"

namespace ragcache::session {
namespace {

Message msg(std::string id, std::string role, std::string content) {
  Message m;
  m.id = std::move(id);
  m.role = std::move(role);
  m.content = std::move(content);
  return m;
}

TEST(Message, StoredJsonRoundTrips) {
  auto m = msg("m1", "assistant", "hi \"there\"\n\xe4\xbd\xa0");
  m.name = "bot";
  m.tool_calls = boost::json::parse(R"([{"id":"c1"}])");
  m.tokens = 12;
  m.time_ms = 1732665600000;
  auto back = from_stored_json(to_stored_json(m));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->id, m.id);
  EXPECT_EQ(back->role, m.role);
  EXPECT_EQ(back->content, m.content);
  EXPECT_EQ(back->name, m.name);
  EXPECT_FALSE(back->tool_call_id);
  ASSERT_TRUE(back->tool_calls);
  EXPECT_EQ(*back->tool_calls, *m.tool_calls);
  EXPECT_EQ(back->tokens, 12u);
  EXPECT_EQ(back->time_ms, m.time_ms);
}

TEST(Message, StoredJsonIsCompactAndOmitsUnsetFields) {
  auto m = msg("x", "user", "q");
  const auto json = to_stored_json(m);
  EXPECT_EQ(json.find(' '), std::string::npos);
  EXPECT_EQ(json.find("name"), std::string::npos);
  EXPECT_EQ(json.find("tool_calls"), std::string::npos);
}

TEST(Message, GarbageIsCorruptStateNotACrash) {
  for (std::string_view bad : {"", "not json", "[]", R"({"role":"user"})", R"({"id":"a","role":"user","content":"c","tokens":-1})",
                               R"({"id":"a","role":"user","content":"c","ts":"x"})"}) {
    auto r = from_stored_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, make_error_code(Errc::corrupt_state)) << bad;
  }
}

TEST(Message, OpenAiViewHasOnlyChatFields) {
  auto m = msg("m1", "tool", "42");
  m.tool_call_id = "call_1";
  m.tokens = 9;
  auto o = to_openai_json(m);
  EXPECT_EQ(o.size(), 3u);
  EXPECT_EQ(o.at("role"), "tool");
  EXPECT_EQ(o.at("tool_call_id"), "call_1");
  auto api = to_api_json(m);
  EXPECT_EQ(api.at("id"), "m1");
  EXPECT_EQ(api.at("tokens").as_uint64(), 9u);
}

TEST(Message, Roles) {
  for (auto r : {"system", "user", "assistant", "tool", "developer"}) EXPECT_TRUE(is_valid_role(r));
  for (auto r : {"", "User", "function", "bot"}) EXPECT_FALSE(is_valid_role(r));
}

}  // namespace
}  // namespace ragcache::session
