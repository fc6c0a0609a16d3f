#include "openai/answer_verdict.h"

#include <string_view>

namespace ragcache::openai {
namespace json = boost::json;

namespace {

const json::object* object_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v ? v->if_object() : nullptr;
}

std::string_view string_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::optional<std::uint64_t> count_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v && v->is_uint64()) return v->as_uint64();
  if (v && v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return std::nullopt;
}

bool has_refusal(const json::object& message) {
  const auto* r = message.if_contains("refusal");
  return r && r->is_string() && !r->as_string().empty();
}

}  // namespace

AnswerVerdict judge_chat_completion(const json::object& completion) {
  const auto* choices = completion.if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) return AnswerVerdict::refused;
  bool truncated = false;
  for (const auto& c : choices->as_array()) {
    const auto* choice = c.if_object();
    if (!choice) return AnswerVerdict::refused;
    if (const auto* m = object_field(*choice, "message"); m && has_refusal(*m)) return AnswerVerdict::refused;
    const auto finish = string_field(*choice, "finish_reason");
    if (finish == "length") {
      truncated = true;
    } else if (finish != "stop" && finish != "tool_calls") {
      return AnswerVerdict::refused;  // content_filter, function_call, unknown, missing
    }
  }
  return truncated ? AnswerVerdict::truncated : AnswerVerdict::reusable;
}

AnswerVerdict judge_response(const json::object& response) {
  const auto status = string_field(response, "status");
  if (status == "incomplete") {
    const auto* details = object_field(response, "incomplete_details");
    const auto reason = details ? string_field(*details, "reason") : std::string_view();
    return reason == "max_output_tokens" ? AnswerVerdict::truncated : AnswerVerdict::refused;
  }
  if (status != "completed") return AnswerVerdict::refused;
  const auto* output = response.if_contains("output");
  if (!output || !output->is_array()) return AnswerVerdict::refused;
  for (const auto& item : output->as_array()) {
    const auto* it = item.if_object();
    const auto* content = it ? it->if_contains("content") : nullptr;
    if (!content || !content->is_array()) continue;
    for (const auto& part : content->as_array()) {
      const auto* p = part.if_object();
      if (p && string_field(*p, "type") == "refusal") return AnswerVerdict::refused;
    }
  }
  return AnswerVerdict::reusable;
}

std::uint64_t usage_total_tokens(const json::object& answer) {
  const auto* usage = object_field(answer, "usage");
  return usage ? count_field(*usage, "total_tokens").value_or(0) : 0;
}

std::optional<std::uint64_t> usage_output_tokens(const json::object& answer) {
  const auto* usage = object_field(answer, "usage");
  if (!usage) return std::nullopt;
  if (auto n = count_field(*usage, "completion_tokens")) return n;
  return count_field(*usage, "output_tokens");
}

AssistantTurn chat_assistant_turn(const json::object& completion) {
  AssistantTurn turn;
  const auto* choices = completion.if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) return turn;
  const auto* choice = choices->as_array().front().if_object();
  const auto* message = choice ? object_field(*choice, "message") : nullptr;
  if (!message) return turn;
  turn.content = std::string(string_field(*message, "content"));
  if (const auto* calls = message->if_contains("tool_calls"); calls && calls->is_array()) turn.tool_calls = *calls;
  return turn;
}

AssistantTurn response_assistant_turn(const json::object& response) {
  AssistantTurn turn;
  const auto* output = response.if_contains("output");
  if (!output || !output->is_array()) return turn;
  for (const auto& item : output->as_array()) {
    const auto* it = item.if_object();
    if (!it || string_field(*it, "type") != "message") continue;
    const auto* content = it->if_contains("content");
    if (!content || !content->is_array()) continue;
    for (const auto& part : content->as_array()) {
      const auto* p = part.if_object();
      if (p && string_field(*p, "type") == "output_text") turn.content += string_field(*p, "text");
    }
  }
  return turn;
}

}  // namespace ragcache::openai
