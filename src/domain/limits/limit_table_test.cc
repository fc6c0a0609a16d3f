#include "domain/limits/limit_table.h"

#include <gtest/gtest.h>

#include "domain/limits/rate_limiter.h"

namespace ragcache::limits {
namespace {

using namespace std::chrono_literals;

TEST(LimitTable, OverridesWinOverDefaults) {
  LimitTable t(SubjectLimits{.requests_per_minute = 60, .tokens_per_day = 1000});
  t.set("vip", SubjectLimits{.requests_per_minute = 600, .burst = 50});
  EXPECT_EQ(t.for_subject("anyone").requests_per_minute, 60);
  EXPECT_EQ(t.for_subject("vip").requests_per_minute, 600);
  EXPECT_EQ(t.for_subject("vip").request_limit().effective_burst(), 50);
  EXPECT_EQ(t.for_subject("anyone").request_limit().effective_burst(), 60);
  EXPECT_TRUE(t.for_subject("vip").token_limits().unlimited());
  EXPECT_FALSE(t.for_subject("anyone").token_limits().unlimited());
}

TEST(LimitTable, ZeroMeansUnlimited) {
  EXPECT_TRUE(SubjectLimits{}.unlimited());
  EXPECT_TRUE(SubjectLimits{}.request_limit().unlimited());
}

TEST(ValidateSubject, RejectsWhatWouldBreakTheHashTag) {
  EXPECT_TRUE(validate_subject("tenant-7"));
  EXPECT_FALSE(validate_subject(""));
  EXPECT_FALSE(validate_subject("a{b"));
  EXPECT_FALSE(validate_subject("a}b"));
  EXPECT_FALSE(validate_subject(std::string("a\nb")));
  EXPECT_FALSE(validate_subject(std::string(257, 'x')));
}

TEST(FailureMode, OpenAllowsClosedRefuses) {
  RateLimit limit{.limit = 10, .period = 1min};
  auto open = rate_decision_on_error(FailureMode::open, limit, 2s);
  EXPECT_TRUE(open.allowed);
  EXPECT_TRUE(open.degraded);
  auto closed = rate_decision_on_error(FailureMode::closed, limit, 2s);
  EXPECT_FALSE(closed.allowed);
  EXPECT_TRUE(closed.degraded);
  EXPECT_EQ(closed.retry_after, 2s);
}

}  // namespace
}  // namespace ragcache::limits
