// Limits and defaults of session windows. The config file's [session] table maps onto these one
// to one; every window limit can also be overridden per append call (AppendLimits).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace ragcache::session {

// Hard caps that no option or per-call override can exceed, so no key grows without bound
// (a window's list, its meta hash, a user's session index).
inline constexpr std::size_t kHardMaxMessages = 10'000;
inline constexpr std::size_t kHardMaxTokens = 10'000'000;
// Session, user and message ids. 192: a gateway session id is "<tenant>:<X-Session-Id>" (48 + 1
// + 128 bytes), so the tenant sits inside the key's hash tag.
inline constexpr std::size_t kMaxIdLength = 192;
inline constexpr std::size_t kHardMaxMessagesPerCall = 1000;

struct SessionOptions {
  // The window: after every append the oldest messages are dropped while either limit is passed,
  // always keeping the newest message (20 is what RPUSH + LTRIM -20 -1 would keep).
  std::size_t max_messages = 20;
  std::size_t max_tokens = 4000;
  // Both keys of a session expire after this long without an append or a context update.
  std::chrono::milliseconds idle_ttl = std::chrono::hours(24);
  // One message, as stored (compact JSON with its fields); a bigger one is refused, nothing written.
  std::size_t max_message_bytes = 64 * 1024;
  // Messages in one append call (never more than kHardMaxMessagesPerCall).
  std::size_t max_messages_per_call = 16;
  // resolved_context and summary, each.
  std::size_t max_context_bytes = 64 * 1024;
  // user:{uid}:sessions keeps this many most recent sessions of a user.
  std::size_t max_sessions_per_user = 1000;
  // Group commit (session_store.h; tuning, not in the config file): at most this many sessions'
  // appends (or reads) in one Redis call, and this many such calls in flight at once. 0 = off.
  // Off by default: it cuts Redis CPU per append (~15-20% under load), but with the client and
  // Redis on the same 2 cores the grouped calls run in lock step and the gateway's turn (read +
  // append) lost ~16% throughput (32k vs 27k turns/s, bench/session, 2026-11-27). Turn it on
  // (64) where Redis's CPU is the limit.
  std::size_t group_commit_max_batch = 0;
  std::size_t group_commit_in_flight = 2;
};

// Per-call overrides of the window limits; unset fields take SessionOptions' values.
struct AppendLimits {
  std::optional<std::size_t> max_messages;
  std::optional<std::size_t> max_tokens;
  std::optional<std::chrono::milliseconds> idle_ttl;
};

// The limits one append runs with, after the overrides were applied and checked.
struct WindowLimits {
  std::size_t max_messages = 20;
  std::size_t max_tokens = 4000;
  std::chrono::milliseconds idle_ttl = std::chrono::hours(24);
};

}  // namespace ragcache::session
