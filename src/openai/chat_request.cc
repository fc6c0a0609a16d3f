#include "openai/chat_request.h"

#include <array>
#include <boost/json/serialize.hpp>

#include "openai/field_checks.h"

namespace ragcache::openai {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 9> kPresentationFields = {
    "model", "messages", "stream", "stream_options", "user", "metadata", "store", "safety_identifier",
    "prompt_cache_key"};
constexpr std::array<std::string_view, 6> kRoles = {"system", "user", "assistant", "tool", "developer", "function"};

std::optional<RequestError> check_message(const json::value& v, std::size_t i) {
  // The field's path ("messages[3].role"), built only for an error: this runs for every message
  // of every request.
  const auto at = [i](std::string_view field = {}) {
    std::string path = "messages[" + std::to_string(i) + "]";
    path.append(field);
    return path;
  };
  const auto* m = v.if_object();
  if (!m) return request_error(at() + " must be an object.", at(), "invalid_type");
  const auto* role = m->if_contains("role");
  if (!role || !role->is_string()) return request_error(at(".role") + " is required.", at(".role"));
  if (std::find(kRoles.begin(), kRoles.end(), std::string_view(role->as_string())) == kRoles.end()) {
    return request_error("Invalid value for " + at(".role") + ": '" + std::string(role->as_string()) +
                             "'. Supported values are: 'system', 'user', 'assistant', 'tool', 'developer' and "
                             "'function'.",
                         at(".role"), "invalid_value");
  }
  const auto* content = m->if_contains("content");
  const bool assistant = role->as_string() == "assistant";
  if (!content || content->is_null()) {
    // An assistant turn may be only tool calls, a function call, audio or a refusal.
    if (!assistant) return request_error(at(".content") + " is required.", at(".content"));
  } else if (!content->is_string() && !content->is_array()) {
    return request_error(at(".content") + " must be a string or an array of content parts.", at(".content"),
                         "invalid_type");
  } else if (content->is_array()) {
    for (const auto& part : content->as_array()) {
      const auto* p = part.if_object();
      if (!p || !p->if_contains("type") || !p->at("type").is_string()) {
        return request_error("Each content part of " + at() + " needs a string 'type'.", at(".content"));
      }
    }
  }
  const auto* name = m->if_contains("name");
  if (name && !name->is_string()) return request_error(at(".name") + " must be a string.", at(".name"));
  if (const auto* calls = m->if_contains("tool_calls"); calls && !calls->is_null() && !calls->is_array()) {
    return request_error(at(".tool_calls") + " must be an array.", at(".tool_calls"), "invalid_type");
  }
  return std::nullopt;
}

using Type = FieldRule::Type;
constexpr FieldRule kChatFieldRules[] = {
    {"stream", Type::boolean}, {"stream_options", Type::object}, {"logprobs", Type::boolean},
    {"parallel_tool_calls", Type::boolean}, {"tools", Type::array}, {"functions", Type::array},
    {"response_format", Type::object}, {"modalities", Type::array},
    number_rule("temperature", 0.0, 2.0), number_rule("top_p", 0.0, 1.0),
    number_rule("presence_penalty", -2.0, 2.0), number_rule("frequency_penalty", -2.0, 2.0),
    integer_rule("n", 1, 128), integer_rule("max_tokens", 1, 1'000'000'000),
    integer_rule("max_completion_tokens", 1, 1'000'000'000), integer_rule("top_logprobs", 0, 20),
    integer_rule("seed", INT64_MIN, INT64_MAX)};

std::optional<RequestError> check_parameters(const json::object& o) {
  if (auto err = check_fields(o, kChatFieldRules)) return err;
  if (const auto* so = o.if_contains("stream_options"); so && so->is_object()) {
    if (const auto* iu = so->as_object().if_contains("include_usage"); iu && !iu->is_bool()) {
      return request_error("'stream_options.include_usage' must be a boolean.", "stream_options.include_usage",
                           "invalid_type");
    }
  }
  if (const auto* tools = o.if_contains("tools"); tools && tools->is_array()) {
    for (std::size_t i = 0; i < tools->as_array().size(); ++i) {
      const auto* t = tools->as_array()[i].if_object();
      if (!t || !t->if_contains("type") || !t->at("type").is_string()) {
        const std::string where = "tools[" + std::to_string(i) + "]";
        return request_error(where + " must be an object with a string 'type'.", where, "invalid_type");
      }
    }
  }
  return std::nullopt;
}

// Why a semantic hit could not stand in for this request's answer ("" when it could).
std::string_view not_plain_text(const json::object& o, const ChatRequest& r) {
  if (r.n != 1) return "n > 1";
  for (const char* f : {"tools", "functions", "tool_choice", "function_call"}) {
    if (const auto* v = o.if_contains(f); v && !v->is_null()) return "tools";
  }
  if (const auto* rf = o.if_contains("response_format"); rf && rf->is_object()) {
    const auto* type = rf->as_object().if_contains("type");
    if (!type || !type->is_string() || type->as_string() != "text") return "structured output";
  }
  if (flag_field(o, "logprobs")) return "logprobs";
  if (const auto* audio = o.if_contains("audio"); audio && !audio->is_null()) return "audio";
  if (const auto* mods = o.if_contains("modalities"); mods && mods->is_array()) {
    for (const auto& m : mods->as_array()) {
      if (!m.is_string() || m.as_string() != "text") return "audio";
    }
  }
  for (const auto& m : r.messages) {
    if (!is_plain_text(m)) return "tool or non-text messages";
  }
  return {};
}

}  // namespace

bool is_presentation_field(std::string_view name) {
  return std::find(kPresentationFields.begin(), kPresentationFields.end(), name) != kPresentationFields.end();
}

Parsed<ChatRequest> parse_chat_request(std::string_view body, const ChatRequestLimits& limits) {
  auto doc = parse_model_request(body);
  if (!doc) return doc.error();
  ChatRequest req;
  req.body = std::move(*doc);
  const json::object& o = req.body;
  req.model = std::string(o.at("model").as_string());

  const auto* messages = o.if_contains("messages");
  if (!messages) {
    return request_error("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  }
  if (!messages->is_array()) return request_error("'messages' must be an array.", "messages", "invalid_type");
  const auto& arr = messages->as_array();
  if (arr.empty()) return request_error("'messages' must contain at least one message.", "messages", "empty_array");
  if (arr.size() > limits.max_messages) {
    return request_error("Too many messages (at most " + std::to_string(limits.max_messages) + ").", "messages");
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (auto err = check_message(arr[i], i)) return *err;
  }
  if (auto err = check_parameters(o)) return *err;

  req.messages = key_messages(arr);
  req.stream = flag_field(o, "stream");
  if (const auto* so = o.if_contains("stream_options"); so && so->is_object()) {
    req.include_usage = flag_field(so->as_object(), "include_usage");
  }
  req.n = integer_field(o, "n").value_or(1);
  req.max_output_tokens = integer_field(o, "max_completion_tokens");
  if (!req.max_output_tokens) req.max_output_tokens = integer_field(o, "max_tokens");
  for (const auto& [k, v] : o) {
    if (is_presentation_field(std::string_view(k))) continue;
    req.params.emplace_back(std::string(k), json::serialize(v));
  }
  req.not_plain_text = not_plain_text(o, req);
  return req;
}

}  // namespace ragcache::openai
