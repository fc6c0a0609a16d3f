#include "openai/response_stream.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "openai/answer_verdict.h"

namespace ragcache::openai {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

struct Event {
  std::string name;
  json::object data;
};

std::vector<Event> events_of(std::string_view sse) {
  std::vector<Event> out;
  while (!sse.empty()) {
    const auto end = sse.find("\n\n");
    std::string_view block = sse.substr(0, end);
    sse = end == std::string_view::npos ? std::string_view() : sse.substr(end + 2);
    const auto nl = block.find('\n');
    EXPECT_TRUE(block.starts_with("event: ")) << block;
    EXPECT_TRUE(block.substr(nl + 1).starts_with("data: ")) << block;
    out.push_back(Event{std::string(block.substr(7, nl - 7)), obj(block.substr(nl + 7))});
  }
  return out;
}

const char* kResponse = R"({"id":"resp_1","object":"response","created_at":1700000000,"status":"completed",
    "background":false,"error":null,"incomplete_details":null,"instructions":"Be brief.","model":"gpt-4o",
    "output":[
      {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Thinking."}]},
      {"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\"}","call_id":"call_1","name":"get_weather"},
      {"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[
        {"type":"output_text","annotations":[{"type":"url_citation","url":"https://x","start_index":0,"end_index":2,"title":"X"}],
         "logprobs":[],"text":"It is sunny."}]}],
    "parallel_tool_calls":true,"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},
    "usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,
             "output_tokens_details":{"reasoning_tokens":2},"total_tokens":15},"metadata":{}})";

TEST(ResponseStream, TheEventSequenceOfAResponse) {
  const auto response = obj(kResponse);
  auto events = events_of(render_response_stream(response));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < events.size(); ++i) {
    names.push_back(events[i].name);
    EXPECT_EQ(events[i].data.at("type").as_string(), events[i].name);
    EXPECT_EQ(events[i].data.at("sequence_number").as_int64(), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "response.created", "response.in_progress",
                       "response.output_item.added", "response.reasoning_summary_part.added",
                       "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
                       "response.reasoning_summary_part.done", "response.output_item.done",
                       "response.output_item.added", "response.function_call_arguments.delta",
                       "response.function_call_arguments.done", "response.output_item.done",
                       "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                       "response.output_text.annotation.added", "response.output_text.done",
                       "response.content_part.done", "response.output_item.done", "response.completed"}));
  EXPECT_EQ(events.front().data.at("response").at("status"), "in_progress");
  EXPECT_TRUE(events.front().data.at("response").at("output").as_array().empty());
  EXPECT_EQ(events.back().data.at("response"), response);
  // The deltas carry the whole text and arguments.
  EXPECT_EQ(events[9].data.at("delta"), "{\"city\":\"Paris\"}");
  EXPECT_EQ(events[14].data.at("delta"), "It is sunny.");
  EXPECT_EQ(events[12].data.at("item").at("content").as_array().size(), 0u);
}

TEST(ResponseStream, TheEventsAssembleBackIntoTheResponse) {
  const auto response = obj(kResponse);
  ResponseAssembler a;
  for (const auto& e : events_of(render_response_stream(response))) a.add(e.data);
  ASSERT_TRUE(a.finished());
  EXPECT_EQ(json::serialize(a.response()), json::serialize(response));
}

TEST(ResponseStream, OutputItemsFillATerminalResponseWithoutOutput) {
  ResponseAssembler a;
  a.add(obj(R"({"type":"response.output_item.done","output_index":1,"item":{"id":"b"}})"));
  a.add(obj(R"({"type":"response.output_item.done","output_index":0,"item":{"id":"a"}})"));
  EXPECT_FALSE(a.finished());
  a.add(obj(R"({"type":"response.completed","response":{"id":"r","status":"completed","output":[]}})"));
  ASSERT_TRUE(a.finished());
  EXPECT_EQ(json::serialize(a.response().at("output")), R"([{"id":"a"},{"id":"b"}])");
}

TEST(ResponseStream, ErrorEventsAreReported) {
  ResponseAssembler a;
  a.add(obj(R"({"type":"error","code":"server_error","message":"boom","sequence_number":3})"));
  ASSERT_TRUE(a.error());
  EXPECT_EQ(a.error()->at("message"), "boom");
  EXPECT_FALSE(a.finished());
}

TEST(ResponseStream, OnlyCompletedResponsesWithoutRefusalsAreReusable) {
  auto response = obj(kResponse);
  EXPECT_EQ(judge_response(response), AnswerVerdict::reusable);
  response["status"] = "incomplete";
  response["incomplete_details"] = json::object{{"reason", "max_output_tokens"}};
  EXPECT_EQ(judge_response(response), AnswerVerdict::truncated);
  response["incomplete_details"] = json::object{{"reason", "content_filter"}};
  EXPECT_EQ(judge_response(response), AnswerVerdict::refused);
  response["status"] = "failed";
  EXPECT_EQ(judge_response(response), AnswerVerdict::refused);
  auto refusal = obj(R"({"status":"completed","output":[{"type":"message","content":[{"type":"refusal","refusal":"No."}]}]})");
  EXPECT_EQ(judge_response(refusal), AnswerVerdict::refused);
  EXPECT_EQ(response_assistant_turn(obj(kResponse)).content, "It is sunny.");
  EXPECT_EQ(usage_total_tokens(obj(kResponse)), 15u);
  EXPECT_EQ(usage_output_tokens(obj(kResponse)), 5u);
}

}  // namespace
}  // namespace ragcache::openai
