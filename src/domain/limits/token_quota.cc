#include "domain/limits/token_quota.h"

#include <algorithm>

#include "base/random.h"
#include "ragcache/embedded_domain_limits_lua.h"

namespace ragcache::limits {
namespace {

const redis::Script& reserve_script() {
  static const redis::Script script("limits_quota_reserve", embedded::domain_limits_lua_quota_reserve);
  return script;
}

const redis::Script& settle_script() {
  static const redis::Script script("limits_quota_settle", embedded::domain_limits_lua_quota_settle);
  return script;
}

std::int64_t remaining(std::int64_t limit, std::int64_t used) {
  if (limit <= 0) return -1;
  return std::max<std::int64_t>(0, limit - used);
}

}  // namespace

std::int64_t QuotaDecision::minute_remaining() const { return remaining(limits.per_minute, minute_used); }
std::int64_t QuotaDecision::day_remaining() const { return remaining(limits.per_day, day_used); }

TokenQuota::TokenQuota(redis::Client& state, TokenQuotaOptions options) : state_(state), options_(std::move(options)) {}

std::string TokenQuota::key_for(std::string_view subject) const {
  std::string key = options_.key_prefix;
  key += '{';
  key += subject;
  key += "}:tok";
  return key;
}

boost::asio::awaitable<Result<QuotaDecision>> TokenQuota::reserve(std::string_view subject, const TokenLimits& limits,
                                                                  std::int64_t tokens) {
  if (auto v = validate_subject(subject); !v) co_return v.error();
  if (tokens <= 0) co_return Error(ragcache::Errc::invalid_argument, "token estimate must be positive");
  if (options_.short_window.count() <= 0 || options_.long_window.count() <= 0) {
    co_return Error(ragcache::Errc::invalid_argument, "quota windows must be positive");
  }
  QuotaDecision d;
  d.limits = limits;
  if (limits.unlimited()) {
    d.reservation = Reservation{std::string(subject), {}, tokens};
    co_return d;
  }
  std::string id = random_token();
  const auto key_ttl = options_.long_window + options_.reservation_ttl;
  std::vector<std::string> keys{key_for(subject)};
  std::vector<std::string> args{id,
                                std::to_string(tokens),
                                std::to_string(options_.short_window.count()),
                                std::to_string(std::max<std::int64_t>(0, limits.per_minute)),
                                std::to_string(options_.long_window.count()),
                                std::to_string(std::max<std::int64_t>(0, limits.per_day)),
                                std::to_string(options_.reservation_ttl.count()),
                                std::to_string(key_ttl.count())};
  auto reply = co_await state_.eval(reserve_script(), std::move(keys), std::move(args));
  if (!reply) {
    d.degraded = true;
    if (options_.on_error == FailureMode::open) {
      d.reservation = Reservation{std::string(subject), {}, tokens};
    } else {
      d.allowed = false;
      d.retry_after = options_.closed_retry_after;
    }
    co_return d;
  }
  auto v = reply->integers(6);
  if (!v) co_return v.error();
  d.allowed = (*v)[0] == 1;
  d.minute_used = (*v)[1];
  d.day_used = (*v)[2];
  d.retry_after = std::chrono::milliseconds((*v)[3]);
  d.minute_reset = std::chrono::milliseconds((*v)[4]);
  d.day_reset = std::chrono::milliseconds((*v)[5]);
  if (d.allowed) d.reservation = Reservation{std::string(subject), std::move(id), tokens};
  co_return d;
}

boost::asio::awaitable<Result<SettleOutcome>> TokenQuota::settle(const Reservation& reservation, std::int64_t actual_tokens) {
  if (actual_tokens < 0) co_return Error(ragcache::Errc::invalid_argument, "actual token count must not be negative");
  if (!reservation.charged()) co_return SettleOutcome{};
  if (auto v = validate_subject(reservation.subject); !v) co_return v.error();
  std::vector<std::string> keys{key_for(reservation.subject)};
  std::vector<std::string> args{reservation.id, std::to_string(actual_tokens),
                                std::to_string(options_.short_window.count()),
                                std::to_string(options_.long_window.count())};
  auto reply = co_await state_.eval(settle_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  auto v = reply->integers(4);
  if (!v) co_return v.error();
  co_return SettleOutcome{(*v)[0] == 1, (*v)[1], (*v)[2], (*v)[3]};
}

boost::asio::awaitable<Result<SettleOutcome>> TokenQuota::release(const Reservation& reservation) {
  co_return co_await settle(reservation, 0);
}

}  // namespace ragcache::limits
