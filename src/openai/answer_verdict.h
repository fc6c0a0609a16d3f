// What a finished answer (a chat.completion or a Responses `response`) may be used for, and the
// few numbers the gateway reads from it. Pure functions over the upstream's own object.
//
// Reusable (cacheable) answers: chat — every choice ended with "stop" or "tool_calls" and none
// carries a refusal; Responses — status "completed" and no refusal content. Never cached:
// refusals, "length" / incomplete answers (truncated), "content_filter", failures.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace ragcache::openai {

enum class AnswerVerdict {
  reusable,   // may be stored and served again
  truncated,  // cut short by a token limit
  refused,    // a refusal, a content filter, a failure, or an ending this code does not know
};

AnswerVerdict judge_chat_completion(const boost::json::object& completion);
AnswerVerdict judge_response(const boost::json::object& response);

// usage.total_tokens (0 when absent): what a cache hit saved.
std::uint64_t usage_total_tokens(const boost::json::object& answer);
// usage.completion_tokens (chat) or usage.output_tokens (Responses).
std::optional<std::uint64_t> usage_output_tokens(const boost::json::object& answer);

// The assistant's turn as a conversation keeps it: the text of the first choice (chat) or of
// the output messages (Responses), and the first choice's tool calls (null when none).
struct AssistantTurn {
  std::string content;
  boost::json::value tool_calls;
};
AssistantTurn chat_assistant_turn(const boost::json::object& completion);
AssistantTurn response_assistant_turn(const boost::json::object& response);

}  // namespace ragcache::openai
