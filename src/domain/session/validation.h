// Every input of the session API checked before any Redis call, as pure functions: a bad input
// is a clear Error (naming the field) and nothing is written.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "domain/session/message.h"
#include "domain/session/options.h"
#include "domain/session/token_counter.h"

namespace ragcache::session {

// Session, user and message ids: 1..kMaxIdLength bytes of printable ASCII without spaces, '{',
// '}' (a brace would break the {sid} hash tag that keeps a session's keys on one cluster slot),
// '"' or '\' (an id must read the same inside a stored message's JSON). UUIDs, ULIDs and random
// hex all qualify.
Result<void> validate_session_id(std::string_view sid);
Result<void> validate_user_id(std::string_view uid);
Result<void> validate_message_id(std::string_view id);

// The limits of one append: overrides over options, each within 1..its hard cap; the TTL at
// least 1 ms.
Result<WindowLimits> resolve_limits(const SessionOptions& options, const AppendLimits& overrides);

// resolved_context / summary: at most options.max_context_bytes.
Result<void> validate_context_value(std::string_view field, std::string_view value, const SessionOptions& options);

// One message ready for the append script.
struct PreparedMessage {
  std::string id;
  std::size_t tokens = 0;
  std::string json;  // the stored form (message.h)
};

struct PreparedAppend {
  WindowLimits limits;
  std::vector<PreparedMessage> messages;
};

// Checks and encodes an append: 1..max_messages_per_call messages, each with a valid role, a
// valid (or empty -> generated) id unique within the call, a sane content_tokens, tool_calls an
// array, and a stored form of at most max_message_bytes. Counts each message's tokens with
// `counter` (message_tokens) and stamps it with now_ms.
Result<PreparedAppend> prepare_append(std::span<const Message> messages, const SessionOptions& options,
                                      const AppendLimits& overrides, const TokenCounter& counter,
                                      std::int64_t now_ms);

}  // namespace ragcache::session
