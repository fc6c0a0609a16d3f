#include "http/gateway/chat_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

namespace ragcache::gateway {
namespace json = boost::json;
using http::ApiError;
using http::invalid_request;

namespace {

// Fields that never change the answer: excluded from the key.
const std::set<std::string, std::less<>> kPresentationFields = {"model",  "messages", "stream", "stream_options",
                                                                "user",   "metadata", "store",  "service_tier"};
const std::set<std::string, std::less<>> kRoles = {"system", "user", "assistant", "tool", "developer", "function"};

}  // namespace

std::string content_text(const json::value& content) {
  if (content.is_string()) return std::string(content.as_string());
  if (content.is_null()) return {};
  if (content.is_array()) {
    std::string out;
    bool first = true;
    for (const auto& part : content.as_array()) {
      if (!first) out += '\n';
      first = false;
      const auto* obj = part.if_object();
      const auto* type = obj ? obj->if_contains("type") : nullptr;
      const auto* text = obj ? obj->if_contains("text") : nullptr;
      if (type && type->is_string() && type->as_string() == "text" && text && text->is_string()) {
        out += text->as_string();
      } else {
        out += json::serialize(part);
      }
    }
    return out;
  }
  return json::serialize(content);
}

std::vector<cache::ChatMessage> key_messages(const json::array& messages) {
  std::vector<cache::ChatMessage> out;
  out.reserve(messages.size());
  for (const auto& v : messages) {
    const auto* m = v.if_object();
    if (!m) continue;
    cache::ChatMessage cm;
    if (const auto* role = m->if_contains("role"); role && role->is_string()) cm.role = std::string(role->as_string());
    if (const auto* content = m->if_contains("content")) cm.content = content_text(*content);
    if (const auto* name = m->if_contains("name"); name && name->is_string()) cm.name = std::string(name->as_string());
    // Tool-call fields change what the model answers next: fold them into the key.
    for (const char* field : {"tool_calls", "tool_call_id", "function_call"}) {
      if (const auto* f = m->if_contains(field); f && !f->is_null()) {
        cm.name += std::string("\x1f") + field + "=" + json::serialize(*f);
      }
    }
    out.push_back(std::move(cm));
  }
  return out;
}

std::string last_user_text(const std::vector<cache::ChatMessage>& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->role == "user") return it->content;
  }
  return {};
}

boost::system::result<ChatRequest, ApiError> parse_chat_request(std::string_view body, const ChatRequestLimits& limits) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return invalid_request("Request body is not valid JSON: " + ec.message(), std::nullopt, "invalid_json");
  if (!doc.is_object()) return invalid_request("Request body must be a JSON object");
  ChatRequest req;
  req.body = std::move(doc.as_object());
  const json::object& o = req.body;

  const auto* model = o.if_contains("model");
  if (!model) return invalid_request("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (!model->is_string() || model->as_string().empty()) {
    return invalid_request("'model' must be a non-empty string.", "model", "invalid_type");
  }
  req.model = std::string(model->as_string());

  const auto* messages = o.if_contains("messages");
  if (!messages) return invalid_request("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (!messages->is_array()) return invalid_request("'messages' must be an array.", "messages", "invalid_type");
  const auto& arr = messages->as_array();
  if (arr.empty()) return invalid_request("'messages' must contain at least one message.", "messages", "empty_array");
  if (arr.size() > limits.max_messages) {
    return invalid_request("Too many messages (at most " + std::to_string(limits.max_messages) + ").", "messages");
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const auto* m = arr[i].if_object();
    if (!m) return invalid_request(where + " must be an object.", where, "invalid_type");
    const auto* role = m->if_contains("role");
    if (!role || !role->is_string()) return invalid_request(where + ".role is required.", where + ".role");
    if (!kRoles.contains(std::string_view(role->as_string()))) {
      return invalid_request("Invalid value for " + where + ".role: '" + std::string(role->as_string()) +
                                 "'. Supported values are: 'system', 'user', 'assistant', 'tool', 'developer' and 'function'.",
                             where + ".role", "invalid_value");
    }
    const auto* content = m->if_contains("content");
    const bool assistant_call = role->as_string() == "assistant" &&
                                (m->if_contains("tool_calls") || m->if_contains("function_call"));
    if (!content || content->is_null()) {
      if (!assistant_call) return invalid_request(where + ".content is required.", where + ".content");
    } else if (!content->is_string() && !content->is_array()) {
      return invalid_request(where + ".content must be a string or an array of content parts.", where + ".content",
                             "invalid_type");
    } else if (content->is_array()) {
      for (const auto& part : content->as_array()) {
        const auto* p = part.if_object();
        if (!p || !p->if_contains("type") || !p->at("type").is_string()) {
          return invalid_request("Each content part of " + where + " needs a string 'type'.", where + ".content");
        }
      }
    }
    const auto* name = m->if_contains("name");
    if (name && !name->is_string()) return invalid_request(where + ".name must be a string.", where + ".name");
  }
  req.messages = key_messages(arr);

  if (const auto* stream = o.if_contains("stream")) {
    if (!stream->is_bool() && !stream->is_null()) return invalid_request("'stream' must be a boolean.", "stream", "invalid_type");
    req.stream = stream->is_bool() && stream->as_bool();
  }
  if (const auto* so = o.if_contains("stream_options"); so && !so->is_null()) {
    if (!so->is_object()) return invalid_request("'stream_options' must be an object.", "stream_options", "invalid_type");
    if (const auto* iu = so->as_object().if_contains("include_usage")) {
      if (!iu->is_bool()) return invalid_request("'stream_options.include_usage' must be a boolean.", "stream_options.include_usage");
      req.include_usage = iu->as_bool();
    }
  }
  auto number_field = [&](const char* name, double lo, double hi) -> std::optional<ApiError> {
    const auto* v = o.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) return invalid_request(std::string("'") + name + "' must be a number.", name, "invalid_type");
    double d = v->to_number<double>();
    if (d < lo || d > hi) {
      return invalid_request(std::string("'") + name + "' is out of range.", name, "invalid_value");
    }
    return std::nullopt;
  };
  for (auto [name, lo, hi] : {std::tuple{"temperature", 0.0, 2.0}, std::tuple{"top_p", 0.0, 1.0},
                              std::tuple{"presence_penalty", -2.0, 2.0}, std::tuple{"frequency_penalty", -2.0, 2.0},
                              std::tuple{"n", 1.0, 128.0}, std::tuple{"max_tokens", 1.0, 1e9},
                              std::tuple{"max_completion_tokens", 1.0, 1e9}}) {
    if (auto err = number_field(name, lo, hi)) return *err;
  }

  for (const auto& [k, v] : o) {
    if (kPresentationFields.contains(std::string_view(k))) continue;
    req.params.emplace_back(std::string(k), json::serialize(v));
  }
  if (const auto* n = o.if_contains("n"); n && n->is_number() && n->to_number<double>() > 1) {
    req.uncacheable_reason = "n > 1";
  }
  for (const char* f : {"tools", "functions"}) {
    if (const auto* v = o.if_contains(f); v && !v->is_null()) req.uncacheable_reason = std::string(f) + " requested";
  }
  return req;
}

}  // namespace ragcache::gateway
