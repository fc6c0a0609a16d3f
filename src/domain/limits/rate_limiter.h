// Request-rate limiting per subject (API key, tenant, user) with GCRA, one Lua call per check.
//
//   RateLimiter limiter(*state_client);
//   auto d = co_await limiter.check("tenant-7", {.limit = 600, .period = 1min, .burst = 20});
//   if (d && !d->allowed) -> 429 with rate_limit_headers(*d)
//
// Exact under any concurrency and across any number of gateway replicas: the state is one key
// per subject, `rl:{subject}:req`, updated atomically by scripts/gcra.lua using the server clock.
// A refused request writes nothing. The key expires when the bucket is full again, so idle
// subjects cost no memory.
//
// Redis errors: with FailureMode::open the check allows the request (degraded = true); with
// closed it refuses it with retry_after = closed_retry_after. Invalid input is always an error.
// Lifetime: the Client must outlive the limiter and its calls. Cancellation: a check is one
// command; cancelling the coroutine abandons the answer, the charge may still have happened.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/limits/limit_types.h"
#include "redis/client.h"

namespace ragcache::limits {

struct RateLimiterOptions {
  std::string key_prefix = "rl:";  // keys are <prefix>{subject}:req
  FailureMode on_error = FailureMode::open;
  std::chrono::milliseconds closed_retry_after{1000};  // Retry-After when failing closed
};

class RateLimiter {
 public:
  explicit RateLimiter(redis::Client& state, RateLimiterOptions options = {});

  // Charges `cost` requests (>= 1, <= the burst) to subject if the limit allows them.
  boost::asio::awaitable<Result<RateDecision>> check(std::string_view subject, const RateLimit& limit,
                                                     std::int64_t cost = 1);

  std::string key_for(std::string_view subject) const;
  const RateLimiterOptions& options() const { return options_; }

 private:
  redis::Client& state_;
  RateLimiterOptions options_;
};

// The decision when Redis could not be asked (pure; the FailureMode rule in one place).
RateDecision rate_decision_on_error(FailureMode mode, const RateLimit& limit, std::chrono::milliseconds closed_retry_after);

}  // namespace ragcache::limits
