#include "domain/session/validation.h"

#include <algorithm>
#include <unordered_set>

#include "base/random.h"
#include "domain/session/errors.h"

namespace ragcache::session {
namespace {

// The reason an id is not acceptable, or nullptr.
const char* id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxIdLength) return "is longer than 128 bytes";
  for (char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return "holds a space, control or non-ASCII byte";
    if (c == '{' || c == '}') return "holds '{' or '}'";
    // Kept out so an id is the same bytes inside a stored message's JSON (append.lua reads it).
    if (c == '"' || c == '\\') return "holds '\"' or '\\'";
  }
  return nullptr;
}

Result<void> check_id(std::string_view id, Errc code, std::string_view what) {
  if (const char* problem = id_problem(id)) return Error(code, std::string(what) + " " + problem);
  return {};
}

Result<std::size_t> limit_in_range(std::size_t value, std::size_t hard_cap, std::string_view name) {
  if (value < 1 || value > hard_cap) {
    return Error(Errc::invalid_limits,
                 std::string(name) + " must be between 1 and " + std::to_string(hard_cap));
  }
  return value;
}

}  // namespace

Result<void> validate_session_id(std::string_view sid) {
  return check_id(sid, Errc::invalid_session_id, "session id");
}

Result<void> validate_user_id(std::string_view uid) { return check_id(uid, Errc::invalid_user_id, "user id"); }

Result<void> validate_message_id(std::string_view id) { return check_id(id, Errc::invalid_message, "message id"); }

Result<WindowLimits> resolve_limits(const SessionOptions& options, const AppendLimits& overrides) {
  WindowLimits limits;
  auto messages = limit_in_range(overrides.max_messages.value_or(options.max_messages), kHardMaxMessages, "max_messages");
  if (!messages) return messages.error();
  auto tokens = limit_in_range(overrides.max_tokens.value_or(options.max_tokens), kHardMaxTokens, "max_tokens");
  if (!tokens) return tokens.error();
  limits.max_messages = *messages;
  limits.max_tokens = *tokens;
  limits.idle_ttl = overrides.idle_ttl.value_or(options.idle_ttl);
  if (limits.idle_ttl.count() < 1) return Error(Errc::invalid_limits, "idle_ttl must be at least 1 ms");
  return limits;
}

Result<void> validate_context_value(std::string_view field, std::string_view value, const SessionOptions& options) {
  if (value.size() > options.max_context_bytes) {
    return Error(Errc::value_too_large, std::string(field) + " is " + std::to_string(value.size()) +
                                            " bytes, over the limit of " + std::to_string(options.max_context_bytes));
  }
  return {};
}

Result<PreparedAppend> prepare_append(std::span<const Message> messages, const SessionOptions& options,
                                      const AppendLimits& overrides, const TokenCounter& counter,
                                      std::int64_t now_ms) {
  if (messages.empty()) return Error(Errc::no_messages, "an append needs at least one message");
  const auto per_call = std::min(options.max_messages_per_call, kHardMaxMessagesPerCall);
  if (messages.size() > per_call) {
    return Error(Errc::too_many_messages, std::to_string(messages.size()) + " messages in one call, over the limit of " +
                                              std::to_string(per_call));
  }
  auto limits = resolve_limits(options, overrides);
  if (!limits) return limits.error();

  PreparedAppend out;
  out.limits = *limits;
  out.messages.reserve(messages.size());
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]: ";
    Message m = messages[i];
    if (!is_valid_role(m.role)) {
      return Error(Errc::invalid_message,
                   where + "role '" + m.role + "' is not one of system, user, assistant, tool, developer");
    }
    if (m.id.empty()) {
      m.id = random_token();
    } else if (const char* problem = id_problem(m.id)) {
      return Error(Errc::invalid_message, where + "id " + problem);
    }
    if (!ids.insert(m.id).second) return Error(Errc::invalid_message, where + "id '" + m.id + "' repeats within the call");
    if (m.content_tokens && *m.content_tokens > kHardMaxTokens) {
      return Error(Errc::invalid_message, where + "content_tokens is not a plausible count");
    }
    if (m.tool_calls && !m.tool_calls->is_array()) {
      return Error(Errc::invalid_message, where + "tool_calls must be an array");
    }
    // Cheap guard before counting: the content alone may already be over the limit.
    if (m.content.size() > options.max_message_bytes) {
      return Error(Errc::message_too_large, where + "content is " + std::to_string(m.content.size()) +
                                                " bytes, over the limit of " + std::to_string(options.max_message_bytes));
    }
    m.tokens = message_tokens(counter, m);
    m.time_ms = now_ms;
    std::string json = to_stored_json(m);
    if (json.size() > options.max_message_bytes) {
      return Error(Errc::message_too_large, where + "message is " + std::to_string(json.size()) +
                                                " bytes stored, over the limit of " +
                                                std::to_string(options.max_message_bytes));
    }
    out.messages.push_back({std::move(m.id), m.tokens, std::move(json)});
  }
  return out;
}

}  // namespace ragcache::session
