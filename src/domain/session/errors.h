// Error codes of the session layer. Every fallible call returns Result<T> (base/error.h); the
// Error carries one of these codes (or a redis::Errc when Redis itself failed) and a detail that
// names the offending field, so a gateway can answer 400 with it as it is.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::session {

enum class Errc {
  ok = 0,
  invalid_session_id,  // empty, too long, or holds a character that would break the {sid} hash tag
  invalid_user_id,     // same rules as a session id
  invalid_message,     // unknown role, bad message id, bad token count, malformed tool_calls
  message_too_large,   // one message over SessionOptions::max_message_bytes: nothing written
  too_many_messages,   // more messages in one call than SessionOptions::max_messages_per_call
  no_messages,         // an append with nothing to append
  value_too_large,     // resolved context or summary over SessionOptions::max_context_bytes
  invalid_limits,      // a per-call limit out of range (0 messages, window over the hard cap, ...)
  corrupt_state,       // what Redis holds is not what this layer wrote (e.g. a message not JSON)
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

}  // namespace ragcache::session

RAGCACHE_ERROR_CODE_ENUM(ragcache::session::Errc);
