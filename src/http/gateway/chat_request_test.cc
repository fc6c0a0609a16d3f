#include "http/gateway/chat_request.h"

#include <gtest/gtest.h>

namespace ragcache::gateway {
namespace {

TEST(ChatRequest, ParsesTheKeyInputsAndSkipsPresentationFields) {
  auto r = parse_chat_request(R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
      "user":"u1","temperature":0.2,"seed":7,
      "messages":[{"role":"system","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->model, "gpt-4o");
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[1].content, "a\nb");
  std::vector<std::string> names;
  for (auto& [k, v] : r->params) names.push_back(k);
  // stream, stream_options and user do not change the answer; temperature and seed do.
  EXPECT_EQ(names, (std::vector<std::string>{"temperature", "seed"}));
  EXPECT_TRUE(r->uncacheable_reason.empty());
}

TEST(ChatRequest, ToolCallFieldsCountForTheKey) {
  auto with = parse_chat_request(R"({"model":"m","messages":[{"role":"assistant","content":null,
      "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"42"}]})");
  ASSERT_TRUE(with.has_value()) << with.error().message;
  EXPECT_NE(with->messages[0].name.find("tool_calls="), std::string::npos);
  EXPECT_NE(with->messages[1].name.find("tool_call_id=\"c1\""), std::string::npos);
}

TEST(ChatRequest, SeveralChoicesOrToolsAreNotCached) {
  EXPECT_EQ(parse_chat_request(R"({"model":"m","n":2,"messages":[{"role":"user","content":"x"}]})")->uncacheable_reason,
            "n > 1");
  EXPECT_FALSE(parse_chat_request(R"({"model":"m","tools":[],"messages":[{"role":"user","content":"x"}]})")
                   ->uncacheable_reason.empty());
}

TEST(ChatRequest, BadInputNamesTheParameter) {
  struct Case {
    const char* body;
    const char* param;
  };
  for (auto c : {Case{R"({"messages":[]})", "model"}, Case{R"({"model":""})", "model"},
                 Case{R"({"model":"m"})", "messages"}, Case{R"({"model":"m","messages":{}})", "messages"},
                 Case{R"({"model":"m","messages":[3]})", "messages[0]"},
                 Case{R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role"},
                 Case{R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]})", "messages[0].content"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x","name":1}]})", "messages[0].name"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":3})", "top_p"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":1})", "stream_options"}}) {
    auto r = parse_chat_request(c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().type, "invalid_request_error");
    ASSERT_TRUE(r.error().param.has_value()) << c.body;
    EXPECT_EQ(*r.error().param, c.param) << c.body;
  }
  EXPECT_FALSE(parse_chat_request("").has_value());
  EXPECT_FALSE(parse_chat_request("[]").has_value());
  EXPECT_FALSE(parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}]} trailing)").has_value());
}

TEST(ChatRequest, LastUserText) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"first"},
      {"role":"assistant","content":"a"},{"role":"user","content":"second"}]})");
  EXPECT_EQ(last_user_text(r->messages), "second");
}

}  // namespace
}  // namespace ragcache::gateway
