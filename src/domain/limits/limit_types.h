// Limits and decisions shared by the rate limiter, the token quota and the HTTP header helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::limits {

// What to do when Redis cannot be asked (down, timeout): let the request through (open: the
// gateway keeps serving, unmetered) or refuse it (closed: never exceed a budget).
enum class FailureMode { open, closed };

// `limit` requests per `period`, `burst` of them at once (0: burst = limit). limit 0: unlimited.
struct RateLimit {
  std::int64_t limit = 0;
  std::chrono::milliseconds period{std::chrono::minutes(1)};
  std::int64_t burst = 0;

  bool unlimited() const { return limit <= 0; }
  std::int64_t effective_burst() const { return burst > 0 ? burst : limit; }
};

// The answer of one rate-limit check (what the gateway turns into a 429 and headers).
struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;        // the configured limit (0: unlimited)
  std::int64_t remaining = 0;    // requests still allowed right now
  std::chrono::milliseconds retry_after{0};  // refused: when to retry
  std::chrono::milliseconds reset_after{0};  // until the full burst is available again
  bool degraded = false;         // Redis could not be asked; FailureMode decided
};

// Token budgets per short window (a minute) and per long window (a day); 0 = unlimited.
struct TokenLimits {
  std::int64_t per_minute = 0;
  std::int64_t per_day = 0;
  bool unlimited() const { return per_minute <= 0 && per_day <= 0; }
};

// A subject names whose budget is charged: an API key hash, a tenant, a user. It becomes the hash
// tag of its keys (`rl:{subject}:...`), so it must not contain braces; at most 256 bytes, no
// control characters. Returns invalid_argument with the reason otherwise.
Result<void> validate_subject(std::string_view subject);

}  // namespace ragcache::limits
