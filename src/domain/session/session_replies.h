// Turns the replies of the session scripts into typed results, in one place (no sockets here,
// so each shape is unit-tested with hand-made replies). Anything of another shape is
// Errc::corrupt_state (or redis unexpected_reply): never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/session/session_window.h"
#include "redis/reply.h"

namespace ragcache::session {

// The result of one append (scripts/append.lua).
struct AppendResult {
  std::size_t count = 0;        // messages in the window now
  std::size_t token_total = 0;  // their tokens
  std::int64_t version = 0;     // the session's append counter after this append
  std::vector<std::string> appended;    // ids added, in order (some may already be trimmed again)
  std::vector<std::string> duplicates;  // ids not added: already in the window (a retry)
  std::vector<std::string> trimmed;     // ids dropped from the front, oldest first
};

// A session of a user's index (user:{uid}:sessions), most recent first.
struct UserSession {
  std::string session_id;
  std::int64_t last_activity_ms = 0;
};

Result<AppendResult> parse_append_reply(const redis::Reply& reply);
// The i-th of the `count` results of one append script call (append.lua answers one element
// per session it was given): that session's AppendResult, or its own error (a server error
// reply: the other sessions of the call are not affected).
Result<AppendResult> parse_append_item(const redis::Reply& reply, std::size_t i, std::size_t count);
Result<SessionWindow> parse_read_reply(std::string session_id, const redis::Reply& reply);
// ZREVRANGE ... WITHSCORES (RESP2: member, score, member, score ...).
Result<std::vector<UserSession>> parse_user_sessions_reply(const redis::Reply& reply);

}  // namespace ragcache::session
