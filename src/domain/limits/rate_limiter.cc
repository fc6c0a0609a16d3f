#include "domain/limits/rate_limiter.h"

#include "redis/errors.h"
#include "domain/limits/gcra.h"
#include "ragcache/embedded_domain_limits_lua.h"

namespace ragcache::limits {
namespace {

const redis::Script& gcra_script() {
  static const redis::Script script("limits_gcra", embedded::domain_limits_lua_gcra);
  return script;
}

std::chrono::milliseconds us_to_ms_ceil(std::int64_t us) {
  return std::chrono::milliseconds(us <= 0 ? 0 : (us + 999) / 1000);
}

}  // namespace

RateDecision rate_decision_on_error(FailureMode mode, const RateLimit& limit, std::chrono::milliseconds closed_retry_after) {
  RateDecision d;
  d.degraded = true;
  d.limit = limit.limit;
  if (mode == FailureMode::open) {
    d.allowed = true;
    d.remaining = limit.effective_burst();
  } else {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after = closed_retry_after;
    d.reset_after = closed_retry_after;
  }
  return d;
}

RateLimiter::RateLimiter(redis::Client& state, RateLimiterOptions options) : state_(state), options_(std::move(options)) {}

std::string RateLimiter::key_for(std::string_view subject) const {
  std::string key = options_.key_prefix;
  key += '{';
  key += subject;
  key += "}:req";
  return key;
}

boost::asio::awaitable<Result<RateDecision>> RateLimiter::check(std::string_view subject, const RateLimit& limit,
                                                                std::int64_t cost) {
  if (auto v = validate_subject(subject); !v) co_return v.error();
  if (limit.unlimited()) co_return RateDecision{.allowed = true, .limit = 0};
  if (limit.period.count() <= 0) co_return Error(ragcache::Errc::invalid_argument, "rate-limit period must be positive");
  if (cost < 1 || cost > limit.effective_burst()) {
    co_return Error(ragcache::Errc::invalid_argument, "request cost must be between 1 and the burst");
  }
  const std::int64_t interval = gcra_interval_us(limit.limit, limit.period.count() * 1000);
  std::vector<std::string> keys{key_for(subject)};
  std::vector<std::string> args{std::to_string(interval), std::to_string(limit.effective_burst()), std::to_string(cost)};
  auto reply = co_await state_.eval(gcra_script(), std::move(keys), std::move(args));
  if (!reply) co_return rate_decision_on_error(options_.on_error, limit, options_.closed_retry_after);
  auto values = reply->integers(4);
  if (!values) co_return values.error();
  const auto& v = *values;
  RateDecision d;
  d.allowed = v[0] == 1;
  d.limit = limit.limit;
  d.remaining = v[1];
  d.retry_after = us_to_ms_ceil(v[2]);
  d.reset_after = us_to_ms_ceil(v[3]);
  co_return d;
}

}  // namespace ragcache::limits
