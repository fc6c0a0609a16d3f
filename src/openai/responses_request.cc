#include "openai/responses_request.h"

#include <array>
#include <boost/json/serialize.hpp>

#include "openai/field_checks.h"
#include "openai/json_fields.h"

namespace ragcache::openai {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 8> kPresentationFields = {
    "model", "input", "stream", "stream_options", "user", "metadata", "safety_identifier", "prompt_cache_key"};

bool presentation(std::string_view name) {
  return std::find(kPresentationFields.begin(), kPresentationFields.end(), name) != kPresentationFields.end();
}

std::string_view string_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

// An input item as a key message: a message item as a chat message; any other item (a function
// call, its output, a reasoning item, a reference) with its type as the role and the whole item
// in the extras, so it counts and is never taken for plain text.
KeyMessage input_item(const json::object& item) {
  const auto type = string_field(item, "type");
  if (type.empty() || type == "message") {
    return key_message(without_fields(item, {"type"}));
  }
  KeyMessage m;
  m.role = std::string(type);
  m.extras = "\x1fitem=" + json::serialize(item);
  return m;
}

std::optional<RequestError> check_input(const json::object& o, const ChatRequestLimits& limits) {
  const auto* input = o.if_contains("input");
  if (!input || input->is_null() || input->is_string()) return std::nullopt;
  if (!input->is_array()) {
    return request_error("'input' must be a string or an array of input items.", "input", "invalid_type");
  }
  const auto& items = input->as_array();
  if (items.size() > limits.max_messages) {
    return request_error("Too many input items (at most " + std::to_string(limits.max_messages) + ").", "input");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = "input[" + std::to_string(i) + "]";
    const auto* item = items[i].if_object();
    if (!item) return request_error(where + " must be an object.", where, "invalid_type");
    const auto* role = item->if_contains("role");
    const auto* type = item->if_contains("type");
    if (type && !type->is_string()) return request_error(where + ".type must be a string.", where + ".type");
    if (!type && (!role || !role->is_string())) {
      return request_error(where + " needs a 'role' (a message) or a 'type'.", where, "missing_required_parameter");
    }
  }
  return std::nullopt;
}

using Type = FieldRule::Type;
constexpr FieldRule kResponsesFieldRules[] = {
    {"stream", Type::boolean}, {"background", Type::boolean}, {"store", Type::boolean},
    {"parallel_tool_calls", Type::boolean}, {"instructions", Type::string},
    {"previous_response_id", Type::string}, {"tools", Type::array}, {"text", Type::object},
    {"reasoning", Type::object}, {"stream_options", Type::object}, {"include", Type::array},
    number_rule("temperature", 0.0, 2.0), number_rule("top_p", 0.0, 1.0),
    integer_rule("max_output_tokens", 1, 1'000'000'000), integer_rule("top_logprobs", 0, 20),
    integer_rule("max_tool_calls", 1, 1'000'000)};

std::optional<RequestError> check_parameters(const json::object& o) {
  if (auto err = check_fields(o, kResponsesFieldRules)) return err;
  if (const auto* c = o.if_contains("conversation"); c && !c->is_null() && !c->is_string() && !c->is_object()) {
    return request_error("'conversation' must be a string or an object.", "conversation", "invalid_type");
  }
  return std::nullopt;
}

std::string_view bypass_reason(const json::object& o) {
  if (const auto* p = o.if_contains("previous_response_id"); p && !p->is_null()) return "previous_response_id";
  if (const auto* c = o.if_contains("conversation"); c && !c->is_null()) return "conversation";
  if (flag_field(o, "background")) return "background";
  return {};
}

std::string_view not_plain_text(const json::object& o, const ResponsesRequest& r) {
  for (const char* f : {"tools", "tool_choice", "prompt"}) {
    if (const auto* v = o.if_contains(f); v && !v->is_null()) return "tools";
  }
  if (const auto* text = o.if_contains("text"); text && text->is_object()) {
    if (const auto* format = text->as_object().if_contains("format"); format && format->is_object()) {
      if (string_field(format->as_object(), "type") != "text") return "structured output";
    }
  }
  if (const auto* include = o.if_contains("include"); include && include->is_array() && !include->as_array().empty()) {
    return "include";
  }
  if (const auto* t = o.if_contains("top_logprobs"); t && !t->is_null()) return "logprobs";
  for (const auto& m : r.messages) {
    if (!is_plain_text(m)) return "tool or non-text input";
  }
  return {};
}

}  // namespace

Parsed<ResponsesRequest> parse_responses_request(std::string_view body, const ChatRequestLimits& limits) {
  auto doc = parse_model_request(body);
  if (!doc) return doc.error();
  ResponsesRequest req;
  req.body = std::move(*doc);
  const json::object& o = req.body;
  req.model = std::string(o.at("model").as_string());
  if (auto err = check_input(o, limits)) return *err;
  if (auto err = check_parameters(o)) return *err;

  if (const auto* input = o.if_contains("input"); input && input->is_string()) {
    req.messages.push_back(KeyMessage{"user", std::string(input->as_string()), {}});
  } else if (input && input->is_array()) {
    for (const auto& item : input->as_array()) req.messages.push_back(input_item(item.as_object()));
  }
  req.stream = flag_field(o, "stream");
  req.max_output_tokens = integer_field(o, "max_output_tokens");
  for (const auto& [k, v] : o) {
    if (presentation(std::string_view(k))) continue;
    req.params.emplace_back(std::string(k), json::serialize(v));
  }
  req.bypass_reason = bypass_reason(o);
  req.not_plain_text = not_plain_text(o, req);
  return req;
}

}  // namespace ragcache::openai
