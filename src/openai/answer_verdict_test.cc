#include "openai/answer_verdict.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ragcache::openai {
namespace {

namespace json = boost::json;

json::object completion(std::string_view finishes, std::string_view refusal = "null") {
  std::string choices;
  std::size_t i = 0;
  for (char f : finishes) {
    const char* reason = f == 's' ? "stop" : f == 't' ? "tool_calls" : f == 'l' ? "length" : "content_filter";
    if (!choices.empty()) choices += ',';
    choices += R"({"index":)" + std::to_string(i++) + R"(,"message":{"role":"assistant","content":"x","refusal":)" +
               std::string(refusal) + R"(},"finish_reason":")" + reason + R"("})";
  }
  return json::parse(R"({"choices":[)" + choices + R"(],"usage":{"completion_tokens":3,"total_tokens":9}})").as_object();
}

TEST(AnswerVerdict, EveryChoiceMustStopOrCallTools) {
  EXPECT_EQ(judge_chat_completion(completion("s")), AnswerVerdict::reusable);
  EXPECT_EQ(judge_chat_completion(completion("t")), AnswerVerdict::reusable);
  EXPECT_EQ(judge_chat_completion(completion("st")), AnswerVerdict::reusable);
  EXPECT_EQ(judge_chat_completion(completion("sl")), AnswerVerdict::truncated);
  EXPECT_EQ(judge_chat_completion(completion("sc")), AnswerVerdict::refused);
  EXPECT_EQ(judge_chat_completion(completion("")), AnswerVerdict::refused);
  EXPECT_EQ(judge_chat_completion(completion("s", "\"I can't.\"")), AnswerVerdict::refused);
  EXPECT_EQ(judge_chat_completion(completion("s", "\"\"")), AnswerVerdict::reusable);
}

TEST(AnswerVerdict, UsageAndTurn) {
  const auto c = completion("s");
  EXPECT_EQ(usage_total_tokens(c), 9u);
  EXPECT_EQ(usage_output_tokens(c), 3u);
  EXPECT_EQ(chat_assistant_turn(c).content, "x");
  EXPECT_TRUE(chat_assistant_turn(c).tool_calls.is_null());
  EXPECT_EQ(usage_total_tokens(json::object()), 0u);
}

}  // namespace
}  // namespace ragcache::openai
