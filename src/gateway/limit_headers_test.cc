#include "gateway/limit_headers.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace ragcache::gateway {

using limits::QuotaDecision;
using limits::RateDecision;
namespace {

using namespace std::chrono_literals;

std::string header(const std::vector<HeaderField>& h, std::string_view name) {
  for (const auto& f : h)
    if (f.name == name) return f.value;
  return "<absent>";
}

TEST(RateLimitHeaders, AllowedRequestAdvertisesTheBudget) {
  RateDecision d{.allowed = true, .limit = 60, .remaining = 59, .retry_after = 0ms, .reset_after = 1000ms};
  auto h = rate_limit_headers(d);
  EXPECT_EQ(header(h, "X-RateLimit-Limit"), "60");
  EXPECT_EQ(header(h, "X-RateLimit-Remaining"), "59");
  EXPECT_EQ(header(h, "X-RateLimit-Reset"), "1");
  EXPECT_EQ(header(h, "Retry-After"), "<absent>");
}

TEST(RateLimitHeaders, RefusalRoundsRetryAfterUpAndAtLeastOne) {
  RateDecision d{.allowed = false, .limit = 500, .remaining = 0, .retry_after = 7201ms, .reset_after = 3600000ms};
  auto h = rate_limit_headers(d);
  EXPECT_EQ(header(h, "Retry-After"), "8");
  EXPECT_EQ(header(h, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(header(h, "X-RateLimit-Reset"), "3600");
  d.retry_after = 1ms;
  EXPECT_EQ(header(rate_limit_headers(d), "Retry-After"), "1");
  d.retry_after = 0ms;  // a fail-closed decision with no wait still says when to come back
  EXPECT_EQ(header(rate_limit_headers(d), "Retry-After"), "1");
}

TEST(RateLimitHeaders, UnlimitedSendsNothing) {
  EXPECT_TRUE(rate_limit_headers(RateDecision{.allowed = true, .limit = 0}).empty());
}

TEST(RateLimitErrorBody, HasTheOpenAiShape) {
  RateDecision d{.allowed = false, .limit = 5, .remaining = 0, .retry_after = 1500ms};
  auto v = boost::json::parse(rate_limit_error_body(d));
  const auto& err = v.at("error");
  EXPECT_EQ(err.at("code").as_string(), "rate_limit_exceeded");
  EXPECT_EQ(err.at("type").as_string(), "requests");
  EXPECT_TRUE(err.at("param").is_null());
  EXPECT_NE(std::string(err.at("message").as_string()).find("1.5s"), std::string::npos);
}

TEST(TokenQuotaHeaders, ShowTheMinuteWindowAndRefusal) {
  QuotaDecision d;
  d.allowed = false;
  d.limits = {.per_minute = 1000, .per_day = 50000};
  d.minute_used = 900;
  d.day_used = 10000;
  d.minute_reset = 30500ms;
  d.day_reset = 3600000ms;
  d.retry_after = 30500ms;
  auto h = token_quota_headers(d);
  EXPECT_EQ(header(h, "X-RateLimit-Limit-Tokens"), "1000");
  EXPECT_EQ(header(h, "X-RateLimit-Remaining-Tokens"), "100");
  EXPECT_EQ(header(h, "X-RateLimit-Reset-Tokens"), "31");
  EXPECT_EQ(header(h, "Retry-After"), "31");
  auto body = boost::json::parse(token_quota_error_body(d));
  EXPECT_EQ(body.at("error").at("type").as_string(), "tokens");
}

TEST(TokenQuotaHeaders, DayOnlyLimitUsesTheDayWindow) {
  QuotaDecision d;
  d.limits = {.per_minute = 0, .per_day = 100};
  d.day_used = 40;
  d.day_reset = 2000ms;
  auto h = token_quota_headers(d);
  EXPECT_EQ(header(h, "X-RateLimit-Limit-Tokens"), "100");
  EXPECT_EQ(header(h, "X-RateLimit-Remaining-Tokens"), "60");
  EXPECT_EQ(header(h, "Retry-After"), "<absent>");
}

TEST(HeaderSeconds, RoundsUp) {
  EXPECT_EQ(header_seconds(0ms), 0);
  EXPECT_EQ(header_seconds(1ms), 1);
  EXPECT_EQ(header_seconds(1000ms), 1);
  EXPECT_EQ(header_seconds(1001ms), 2);
}

}  // namespace
}  // namespace ragcache::gateway
