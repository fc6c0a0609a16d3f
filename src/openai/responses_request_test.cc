#include "openai/responses_request.h"

#include <gtest/gtest.h>

namespace ragcache::openai {
namespace {

TEST(ResponsesRequest, AStringInputIsOneUserMessage) {
  auto r = parse_responses_request(R"({"model":"gpt-4o","input":"What is Redis?","instructions":"Be brief.",
      "stream":true,"metadata":{"a":"b"},"user":"u","store":false,"temperature":0.3})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->stream);
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_EQ(r->messages[0].role, "user");
  EXPECT_EQ(r->messages[0].content, "What is Redis?");
  std::vector<std::string> names;
  for (const auto& [k, v] : r->params) names.push_back(k);
  // instructions and store count (store decides whether the answer can be continued upstream).
  EXPECT_EQ(names, (std::vector<std::string>{"instructions", "store", "temperature"}));
  EXPECT_TRUE(r->bypass_reason.empty());
  EXPECT_TRUE(r->not_plain_text.empty());
}

TEST(ResponsesRequest, InputItemsBecomeKeyMessages) {
  auto r = parse_responses_request(R"({"model":"m","input":[
      {"role":"developer","content":"Be brief."},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]},
      {"type":"function_call_output","call_id":"c1","output":"42"}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->messages.size(), 3u);
  EXPECT_EQ(r->messages[1].role, "user");
  EXPECT_EQ(r->messages[1].content, "hi");
  EXPECT_TRUE(r->messages[1].extras.empty());
  EXPECT_EQ(r->messages[2].role, "function_call_output");
  EXPECT_NE(r->messages[2].extras.find("\"call_id\":\"c1\""), std::string::npos);
  EXPECT_FALSE(r->not_plain_text.empty());  // a tool result is not plain text
}

TEST(ResponsesRequest, ContinuationsAndBackgroundBypassTheCache) {
  EXPECT_EQ(parse_responses_request(R"({"model":"m","input":"x","previous_response_id":"resp_1"})")->bypass_reason,
            "previous_response_id");
  EXPECT_EQ(parse_responses_request(R"({"model":"m","input":"x","conversation":"conv_1"})")->bypass_reason,
            "conversation");
  EXPECT_EQ(parse_responses_request(R"({"model":"m","input":"x","background":true})")->bypass_reason, "background");
  EXPECT_TRUE(parse_responses_request(R"({"model":"m","input":"x","background":false})")->bypass_reason.empty());
}

TEST(ResponsesRequest, StructuredOutputAndToolsAreNotPlainText) {
  for (const char* body : {R"({"model":"m","input":"x","tools":[{"type":"web_search"}]})",
                           R"({"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"s","schema":{}}}})",
                           R"({"model":"m","input":"x","include":["message.output_text.logprobs"]})"}) {
    auto r = parse_responses_request(body);
    ASSERT_TRUE(r.has_value()) << body;
    EXPECT_FALSE(r->not_plain_text.empty()) << body;
  }
  EXPECT_TRUE(parse_responses_request(R"({"model":"m","input":"x","text":{"format":{"type":"text"}}})")
                  ->not_plain_text.empty());
}

TEST(ResponsesRequest, BadInputNamesTheParameter) {
  struct Case {
    const char* body;
    const char* param;
  };
  for (auto c : {Case{R"({"input":"x"})", "model"}, Case{R"({"model":"m","input":3})", "input"},
                 Case{R"({"model":"m","input":[3]})", "input[0]"}, Case{R"({"model":"m","input":[{"x":1}]})", "input[0]"},
                 Case{R"({"model":"m","input":"x","max_output_tokens":2.5})", "max_output_tokens"},
                 Case{R"({"model":"m","input":"x","stream":1})", "stream"},
                 Case{R"({"model":"m","input":"x","conversation":5})", "conversation"}}) {
    auto r = parse_responses_request(c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().param.value_or(""), c.param) << c.body;
  }
}

}  // namespace
}  // namespace ragcache::openai
