// The Redis keys of session state (docs/architecture.md, "Key schema"). A session's two keys share the hash
// tag {sid}, so one script may touch both on a cluster; a user's session index is another slot.
#pragma once

#include <string>
#include <string_view>

namespace ragcache::session {

// `prefix` namespaces everything (tests, several apps on one server); empty in production.
inline std::string session_log_key(std::string_view prefix, std::string_view sid) {
  return std::string(prefix) + "session:{" + std::string(sid) + "}:log";
}
inline std::string session_meta_key(std::string_view prefix, std::string_view sid) {
  return std::string(prefix) + "session:{" + std::string(sid) + "}:meta";
}
inline std::string user_sessions_key(std::string_view prefix, std::string_view uid) {
  return std::string(prefix) + "user:{" + std::string(uid) + "}:sessions";
}

}  // namespace ragcache::session
