// What a lock key holds, and the decisions about it that need no server:
// - the value "<owner token>:<fencing number>" (token: 128 random bits, hex);
// - a grant's local validity on steady_clock (never the wall clock: NTP steps must not extend it);
// - the order of fencing numbers (a write carrying an older one must lose).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ragcache::cache {

using SteadyClock = std::chrono::steady_clock;

struct LockValue {
  // Appended to the value in Redis by an acquirer refused while the lock was held, so the
  // release knows to wake waiters (scripts/lock_holder.lua). Never part of encode().
  static constexpr char kWaitersMark = '~';

  std::string token;
  std::uint64_t fence = 0;

  std::string encode() const { return token + ":" + std::to_string(fence); }
  // nullopt when the text is not "<token>:<digits>" (maybe followed by kWaitersMark).
  static std::optional<LockValue> parse(std::string_view text);
};

// One successful acquisition. Copyable: release/extend compare the whole value on the server, so
// a copy cannot do more than the original.
struct LockGrant {
  std::string name;   // the lock name the caller asked for
  std::string key;    // its Redis key
  LockValue value;    // owner token + fencing number (strictly increasing per lock name)
  std::chrono::milliseconds ttl{0};
  // Until when the holder may assume it still owns the lock: measured from *before* the request
  // was sent, minus a clock-drift margin, so it errs on the early side.
  SteadyClock::time_point valid_until;

  std::uint64_t fence() const { return value.fence; }
  bool valid(SteadyClock::time_point now = SteadyClock::now()) const { return now < valid_until; }
};

// sent_at + ttl - (1% of ttl + 2 ms): Redis's own expiry clock may run slightly faster than ours.
SteadyClock::time_point validity_deadline(SteadyClock::time_point sent_at, std::chrono::milliseconds ttl);

// Whether a write fenced with `candidate` may replace one fenced with `current` (strictly newer).
inline bool fence_supersedes(std::uint64_t candidate, std::uint64_t current) { return candidate > current; }

// Redis stream entry ids ("<ms>-<seq>"), compared numerically.
struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  static std::optional<StreamId> parse(std::string_view text);
  std::string str() const { return std::to_string(ms) + "-" + std::to_string(seq); }
  friend auto operator<=>(const StreamId&, const StreamId&) = default;
};

}  // namespace ragcache::cache
