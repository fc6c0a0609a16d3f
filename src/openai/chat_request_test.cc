#include "openai/chat_request.h"

#include <gtest/gtest.h>

namespace ragcache::openai {
namespace {

std::vector<std::string> param_names(const ChatRequest& r) {
  std::vector<std::string> names;
  for (const auto& [k, v] : r.params) names.push_back(k);
  return names;
}

TEST(ChatRequest, ParsesTheKeyInputsAndSkipsPresentationFields) {
  auto r = parse_chat_request(R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
      "user":"u1","metadata":{"a":"b"},"store":true,"temperature":0.2,"seed":7,
      "messages":[{"role":"system","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->model, "gpt-4o");
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[1].content, "a\nb");
  EXPECT_EQ(param_names(*r), (std::vector<std::string>{"temperature", "seed"}));
  EXPECT_TRUE(r->not_plain_text.empty());
}

// Every parameter that changes the output is part of the key, known or not.
TEST(ChatRequest, EveryOutputChangingParameterCountsForTheKey) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],
      "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"auto","parallel_tool_calls":false,
      "response_format":{"type":"json_object"},"seed":1,"n":2,"logprobs":true,"top_logprobs":3,
      "reasoning_effort":"low","modalities":["text"],"service_tier":"flex","a_future_field":{"x":1}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(param_names(*r),
            (std::vector<std::string>{"tools", "tool_choice", "parallel_tool_calls", "response_format", "seed", "n",
                                      "logprobs", "top_logprobs", "reasoning_effort", "modalities", "service_tier",
                                      "a_future_field"}));
  EXPECT_EQ(r->n, 2);
}

TEST(ChatRequest, EveryMessageFieldCountsForTheKey) {
  auto with = parse_chat_request(R"({"model":"m","messages":[{"role":"assistant","content":null,
      "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"42"},
      {"role":"user","content":"hi","x_unknown":true}]})");
  ASSERT_TRUE(with.has_value()) << with.error().message;
  EXPECT_NE(with->messages[0].extras.find("tool_calls="), std::string::npos);
  EXPECT_NE(with->messages[1].extras.find("tool_call_id=\"c1\""), std::string::npos);
  EXPECT_NE(with->messages[2].extras.find("x_unknown=true"), std::string::npos);
  // An image part is not the same as a text that reads like its JSON.
  auto image = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"image_url","image_url":{"url":"http://x/a.png"}}]}]})");
  auto text = parse_chat_request(R"({"model":"m","messages":[{"role":"user",
      "content":"{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x/a.png\"}}"}]})");
  ASSERT_TRUE(image && text);
  EXPECT_EQ(image->messages[0].content, text->messages[0].content);
  EXPECT_NE(image->messages[0].extras, text->messages[0].extras);
}

TEST(ChatRequest, OnlyPlainTextRequestsMayUseTheSemanticCache) {
  const std::string user = R"("messages":[{"role":"user","content":"x"}])";
  for (const char* extra : {R"("n":2)", R"("tools":[{"type":"function","function":{"name":"f"}}])",
                            R"("response_format":{"type":"json_schema","json_schema":{}})", R"("logprobs":true)",
                            R"("modalities":["text","audio"])"}) {
    auto r = parse_chat_request("{\"model\":\"m\"," + user + "," + extra + "}");
    ASSERT_TRUE(r.has_value()) << extra;
    EXPECT_FALSE(r->not_plain_text.empty()) << extra;
  }
  auto text_format = parse_chat_request("{\"model\":\"m\"," + user + R"(,"response_format":{"type":"text"}})");
  EXPECT_TRUE(text_format->not_plain_text.empty());
  auto tool_message = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"},
      {"role":"tool","tool_call_id":"c","content":"y"}]})");
  EXPECT_FALSE(tool_message->not_plain_text.empty());
  auto named = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x","name":"ada"}]})");
  EXPECT_TRUE(named->not_plain_text.empty());
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
                 Case{R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})", "messages[0].role"},
                 Case{R"({"model":"m","messages":[{"role":"user"}]})", "messages[0].content"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]})", "messages[0].content"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x","name":1}]})", "messages[0].name"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":3})", "top_p"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})", "max_tokens"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"9"})", "max_tokens"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":0})", "n"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"seed":0.5})", "seed"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})", "stream"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[1]})", "tools[0]"},
                 Case{R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":1})", "stream_options"}}) {
    auto r = parse_chat_request(c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    ASSERT_TRUE(r.error().param.has_value()) << c.body;
    EXPECT_EQ(*r.error().param, c.param) << c.body;
  }
  EXPECT_FALSE(parse_chat_request("").has_value());
  EXPECT_FALSE(parse_chat_request("[]").has_value());
  EXPECT_FALSE(parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}]} trailing)").has_value());
}

TEST(ChatRequest, OutputLimitPrefersMaxCompletionTokens) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":9,
      "max_completion_tokens":5})");
  EXPECT_EQ(r->max_output_tokens, 5);
  auto old = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":9})");
  EXPECT_EQ(old->max_output_tokens, 9);
}

TEST(ChatRequest, LastUserText) {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"user","content":"first"},
      {"role":"assistant","content":"a"},{"role":"user","content":"second"}]})");
  EXPECT_EQ(last_user_text(r->messages), "second");
}

}  // namespace
}  // namespace ragcache::openai
