#include "gateway/limit_headers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

namespace ragcache::gateway {

using limits::QuotaDecision;
using limits::RateDecision;
namespace {

std::string error_body(const std::string& message, const char* type) {
  boost::json::object err;
  err["message"] = message;
  err["type"] = type;
  err["param"] = nullptr;
  err["code"] = "rate_limit_exceeded";
  boost::json::object body;
  body["error"] = std::move(err);
  return boost::json::serialize(body);
}

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3gs", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

long long header_seconds(std::chrono::milliseconds d) {
  if (d.count() <= 0) return 0;
  return (d.count() + 999) / 1000;
}

std::vector<HeaderField> rate_limit_headers(const RateDecision& d) {
  std::vector<HeaderField> out;
  if (d.limit <= 0) return out;  // unlimited: nothing to advertise
  out.push_back({"X-RateLimit-Limit", std::to_string(d.limit)});
  out.push_back({"X-RateLimit-Remaining", std::to_string(std::max<std::int64_t>(0, d.remaining))});
  out.push_back({"X-RateLimit-Reset", std::to_string(header_seconds(d.reset_after))});
  if (!d.allowed) out.push_back({"Retry-After", std::to_string(std::max(1LL, header_seconds(d.retry_after)))});
  return out;
}

std::vector<HeaderField> token_quota_headers(const QuotaDecision& d) {
  std::vector<HeaderField> out;
  if (d.limits.unlimited()) return out;
  const bool minute = d.limits.per_minute > 0;
  const std::int64_t limit = minute ? d.limits.per_minute : d.limits.per_day;
  const std::int64_t remaining = minute ? d.minute_remaining() : d.day_remaining();
  const auto reset = minute ? d.minute_reset : d.day_reset;
  out.push_back({"X-RateLimit-Limit-Tokens", std::to_string(limit)});
  out.push_back({"X-RateLimit-Remaining-Tokens", std::to_string(remaining)});
  out.push_back({"X-RateLimit-Reset-Tokens", std::to_string(header_seconds(reset))});
  if (!d.allowed) out.push_back({"Retry-After", std::to_string(std::max(1LL, header_seconds(d.retry_after)))});
  return out;
}

std::string rate_limit_error_body(const RateDecision& d) {
  std::string msg = "Rate limit reached: " + std::to_string(d.limit) + " requests per period. Please try again in " +
                    seconds_text(d.retry_after) + ".";
  if (d.degraded) msg = "Rate limiter unavailable; request refused. Please try again in " + seconds_text(d.retry_after) + ".";
  return error_body(msg, "requests");
}

std::string token_quota_error_body(const QuotaDecision& d) {
  std::string msg;
  if (d.degraded) {
    msg = "Token quota unavailable; request refused.";
  } else if (d.limits.per_minute > 0 && d.retry_after == d.minute_reset) {
    msg = "Token rate limit reached: " + std::to_string(d.limits.per_minute) + " tokens per minute, " +
          std::to_string(d.minute_used) + " used.";
  } else {
    msg = "Token quota reached: " + std::to_string(d.limits.per_day) + " tokens per day, " +
          std::to_string(d.day_used) + " used.";
  }
  msg += " Please try again in " + seconds_text(d.retry_after) + ".";
  return error_body(msg, "tokens");
}

}  // namespace ragcache::gateway
