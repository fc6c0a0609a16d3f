// Token quotas per subject, per minute and per day: reserve-then-settle.
//
//   TokenQuota quota(*state_client);
//   auto d = co_await quota.reserve("tenant-7", {.per_minute = 90000, .per_day = 2000000}, estimate);
//   if (d && !d->allowed) -> 429 (token_quota_headers(*d)); nothing was charged
//   ... upstream call ...
//   ok:     co_await quota.settle(*d->reservation, usage.total_tokens);  // refund or charge the difference
//   failed: co_await quota.release(*d->reservation);                     // refund the whole estimate
//
// The estimate is charged at once, atomically, against both windows, and refused when either
// budget cannot cover it, so concurrent requests on any number of replicas never overspend:
// all the state is one hash per subject, `rl:{subject}:tok`, changed only by the scripts
// quota_reserve.lua / quota_settle.lua using the server clock. Windows are fixed and aligned on
// the epoch (a minute starts at :00). An open reservation is remembered (so a settle or release
// applies once, never twice) for reservation_ttl; a replica that dies between reserve and settle
// leaves its estimate charged.
//
// Redis errors: FailureMode::open allows (degraded, no reservation to settle); closed refuses.
// Lifetime: the Client must outlive the quota object and its calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/limits/limit_types.h"
#include "redis/client.h"

namespace ragcache::limits {

struct TokenQuotaOptions {
  std::string key_prefix = "rl:";  // key: <prefix>{subject}:tok
  std::chrono::milliseconds short_window{std::chrono::minutes(1)};  // the "per minute" window
  std::chrono::milliseconds long_window{std::chrono::hours(24)};    // the "per day" window
  // How long an unsettled reservation is remembered (longer than any upstream call).
  std::chrono::milliseconds reservation_ttl{std::chrono::minutes(10)};
  FailureMode on_error = FailureMode::open;
  std::chrono::milliseconds closed_retry_after{1000};
};

// Handle of charged tokens; pass it to settle() or release(). Empty id: nothing was charged
// (unlimited subject, or a degraded fail-open decision).
struct Reservation {
  std::string subject;
  std::string id;
  std::int64_t tokens = 0;
  bool charged() const { return !id.empty(); }
};

struct QuotaDecision {
  bool allowed = true;
  TokenLimits limits;
  std::int64_t minute_used = 0;  // tokens charged in the current short window (this one included)
  std::int64_t day_used = 0;
  std::chrono::milliseconds minute_reset{0};  // until the short window ends
  std::chrono::milliseconds day_reset{0};
  std::chrono::milliseconds retry_after{0};   // refused: when the budget that refused renews
  bool degraded = false;
  std::optional<Reservation> reservation;     // set when allowed

  // Tokens left (-1: that window is unlimited).
  std::int64_t minute_remaining() const;
  std::int64_t day_remaining() const;
};

struct SettleOutcome {
  bool found = false;        // false: already settled/released (or never charged): nothing done
  std::int64_t delta = 0;    // actual - estimate: > 0 charged extra, < 0 refunded
  std::int64_t minute_used = 0;
  std::int64_t day_used = 0;
};

class TokenQuota {
 public:
  explicit TokenQuota(redis::Client& state, TokenQuotaOptions options = {});

  // Charges `tokens` (> 0) to subject if both budgets can cover them; refuses otherwise.
  boost::asio::awaitable<Result<QuotaDecision>> reserve(std::string_view subject, const TokenLimits& limits,
                                                        std::int64_t tokens);
  // Replaces the reservation's estimate by the actual usage (>= 0).
  boost::asio::awaitable<Result<SettleOutcome>> settle(const Reservation& reservation, std::int64_t actual_tokens);
  // The upstream call failed: refunds the whole estimate.
  boost::asio::awaitable<Result<SettleOutcome>> release(const Reservation& reservation);

  std::string key_for(std::string_view subject) const;
  const TokenQuotaOptions& options() const { return options_; }

 private:
  redis::Client& state_;
  TokenQuotaOptions options_;
};

}  // namespace ragcache::limits
