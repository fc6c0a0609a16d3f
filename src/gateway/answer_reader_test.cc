#include "gateway/answer_reader.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/upstream_failure.h"

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

const std::string kChunk1 =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}],"usage":null})";
const std::string kChunk2 =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":null})";
const std::string kUsage =
    R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})";
const std::string kWhole =
    R"({"id":"c9","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"total_tokens":3}})";

std::string stream_lines() { return event_line(kChunk1) + event_line(kChunk2) + event_line(kUsage); }

TEST(AnswerReader, AStreamingCallerGetsTheUpstreamsChunksAsTheyCome) {
  AnswerReader r(chat_format(), /*stream=*/true, /*include_usage=*/true);
  const auto lines = stream_lines();
  std::string sent;
  // Split anywhere: a line may arrive in pieces.
  for (std::size_t i = 0; i < lines.size(); i += 7) sent += r.feed(lines.substr(i, 7)).value();
  ASSERT_TRUE(r.finished());
  sent += r.finish();
  EXPECT_EQ(sent, "data: " + kChunk1 + "\n\ndata: " + kChunk2 + "\n\ndata: " + kUsage + "\n\ndata: [DONE]\n\n");
  EXPECT_EQ(r.answer().at("choices").at(0).at("message").at("content"), "Hello");
  EXPECT_EQ(r.answer().at("usage").at("total_tokens").as_int64(), 3);
}

TEST(AnswerReader, UsageIsHiddenFromACallerWhoDidNotAskForIt) {
  AnswerReader r(chat_format(), true, false);
  std::string sent = r.feed(stream_lines()).value();
  sent += r.finish();
  EXPECT_EQ(sent.find("usage"), std::string::npos) << sent;
  EXPECT_EQ(r.answer().at("usage").at("total_tokens").as_int64(), 3);  // still known to the gateway
}

TEST(AnswerReader, AJsonCallerGetsTheUpstreamsOwnBytesOrTheAssembledAnswer) {
  AnswerReader whole(chat_format(), false, false);
  EXPECT_EQ(whole.feed(answer_line(kWhole)).value(), "");
  ASSERT_TRUE(whole.finished());
  EXPECT_EQ(whole.finish(), kWhole);
  AnswerReader assembled(chat_format(), false, false);
  EXPECT_EQ(assembled.feed(stream_lines()).value(), "");
  const auto body = json::parse(assembled.finish()).as_object();
  EXPECT_EQ(body.at("object"), "chat.completion");
  EXPECT_EQ(body.at("choices").at(0).at("message").at("content"), "Hello");
}

TEST(AnswerReader, AStreamingCallerOfAWholeAnswerGetsItAsAStream) {
  AnswerReader r(chat_format(), true, false);
  EXPECT_EQ(r.feed(answer_line(kWhole)).value(), "");
  const auto sent = r.finish();
  EXPECT_TRUE(sent.starts_with("data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\""));
  EXPECT_TRUE(sent.ends_with("data: [DONE]\n\n"));
}

TEST(AnswerReader, UnfinishedAnswersAreNotFinished) {
  AnswerReader r(chat_format(), true, true);
  ASSERT_TRUE(r.feed(event_line(kChunk1)).has_value());
  EXPECT_FALSE(r.finished());
  ASSERT_TRUE(r.feed(event_line(kChunk2).substr(0, 10)).has_value());
  EXPECT_FALSE(r.finished());  // a line half read
}

TEST(AnswerReader, FailuresInTheStreamAndMalformedLines) {
  AnswerReader r(chat_format(), true, true);
  auto failed = r.feed(event_line(R"({"error":{"message":"overloaded","type":"server_error"}})"));
  ASSERT_FALSE(failed.has_value());
  auto failure = upstream_failure_of(failed.error());
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->status, 502);
  EXPECT_EQ(json::parse(failure->body).at("error").at("message"), "overloaded");
  AnswerReader r2(chat_format(), false, false);
  EXPECT_FALSE(r2.feed("e{not json\n").has_value());
  AnswerReader r3(responses_format(), true, true);
  auto event = r3.feed(event_line(R"({"type":"error","code":"rate_limit_exceeded","message":"slow down","sequence_number":2})"));
  ASSERT_FALSE(event.has_value());
  EXPECT_EQ(json::parse(upstream_failure_of(event.error())->body).at("error").at("code"), "rate_limit_exceeded");
}

TEST(AnswerReader, ResponsesEventsAreRelayedWithTheirNames) {
  AnswerReader r(responses_format(), true, true);
  const std::string completed =
      R"({"type":"response.completed","sequence_number":1,"response":{"id":"r","status":"completed","output":[]}})";
  std::string sent = r.feed(event_line(completed)).value();
  EXPECT_EQ(sent, "event: response.completed\ndata: " + completed + "\n\n");
  ASSERT_TRUE(r.finished());
  EXPECT_EQ(r.finish(), "");  // the terminal event ends a Responses stream
  EXPECT_EQ(r.answer().at("id"), "r");
}

}  // namespace
}  // namespace ragcache::gateway
