// GCRA (generic cell rate algorithm): the request-rate limiter's arithmetic, as a pure function.
//
// A limit of `limit` requests per `period` with a burst of `burst` is one number per subject:
// the theoretical arrival time (TAT), the moment the subject's bucket would be empty again.
// Each request of cost n moves the TAT n emission intervals (period / limit) forward from
// max(TAT, now); it is allowed when the new TAT is at most `burst` intervals ahead of now.
// So a fresh subject may send `burst` requests at once, then one per interval. A refused request
// leaves the TAT untouched: it costs nothing.
//
// scripts/gcra.lua runs exactly this arithmetic inside Redis (server clock, integer
// microseconds); this C++ copy exists so the rules are unit-tested without a server.
#pragma once

#include <cstdint>

namespace ragcache::limits {

struct GcraParams {
  std::int64_t interval_us = 0;  // emission interval: period / limit, whole microseconds (>= 1)
  std::int64_t burst = 1;        // requests allowed at once (>= 1)
};

struct GcraOutcome {
  bool allowed = false;
  std::int64_t new_tat_us = 0;       // TAT to store (allowed only; refused keeps the old one)
  std::int64_t remaining = 0;        // requests still allowed right now after this one
  std::int64_t retry_after_us = 0;   // refused: wait this long before the same request fits
  std::int64_t reset_after_us = 0;   // until the bucket is full again (all `burst` available)
};

// Interval for `limit` requests per `period_us` microseconds (rounded up, so the limit is never
// exceeded), at least 1 us.
std::int64_t gcra_interval_us(std::int64_t limit, std::int64_t period_us);

// tat_us: stored TAT (0 when the subject has none); now_us: server time; cost >= 1.
GcraOutcome gcra_decide(std::int64_t tat_us, std::int64_t now_us, const GcraParams& params, std::int64_t cost);

}  // namespace ragcache::limits
