#include "domain/limits/gcra.h"

#include <gtest/gtest.h>

namespace ragcache::limits {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

TEST(Gcra, IntervalRoundsUpSoTheLimitIsNeverExceeded) {
  EXPECT_EQ(gcra_interval_us(500, 3600 * kSecond), 7'200'000);
  EXPECT_EQ(gcra_interval_us(3, 10), 4);          // 10/3 = 3.33 -> 4
  EXPECT_EQ(gcra_interval_us(1'000'000'000, 1), 1);  // never 0
}

TEST(Gcra, FreshSubjectGetsExactlyTheBurstAtOnce) {
  const GcraParams p{gcra_interval_us(10, 60 * kSecond), 10};
  const std::int64_t now = 1'700'000'000 * kSecond;
  std::int64_t tat = 0;
  int allowed = 0;
  for (int i = 0; i < 25; ++i) {
    auto o = gcra_decide(tat, now, p, 1);
    if (o.allowed) {
      ++allowed;
      EXPECT_EQ(o.remaining, 10 - allowed);
      tat = o.new_tat_us;
    }
  }
  EXPECT_EQ(allowed, 10);
}

TEST(Gcra, RefusalCostsNothingAndNamesTheWait) {
  const std::int64_t interval = 6 * kSecond;
  const GcraParams p{interval, 2};
  const std::int64_t t0 = 1000 * kSecond;
  auto a = gcra_decide(0, t0, p, 1);
  auto b = gcra_decide(a.new_tat_us, t0, p, 1);
  ASSERT_TRUE(a.allowed && b.allowed);
  // 1.5 s later the bucket is still full: refused, and the TAT must not move.
  auto c = gcra_decide(b.new_tat_us, t0 + 1'500'000, p, 1);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.new_tat_us, b.new_tat_us);
  EXPECT_EQ(c.retry_after_us, interval - 1'500'000);
  EXPECT_EQ(c.remaining, 0);
  // Retrying exactly after retry_after succeeds; a microsecond earlier does not.
  EXPECT_FALSE(gcra_decide(b.new_tat_us, t0 + 1'500'000 + c.retry_after_us - 1, p, 1).allowed);
  EXPECT_TRUE(gcra_decide(b.new_tat_us, t0 + 1'500'000 + c.retry_after_us, p, 1).allowed);
}

TEST(Gcra, SteadyRateOfOnePerInterval) {
  const std::int64_t interval = 100'000;
  const GcraParams p{interval, 1};
  std::int64_t tat = 0;
  std::int64_t now = 50 * kSecond;
  int allowed = 0;
  // Ask every 10 ms for 1 s: one per 100 ms gets through.
  for (int i = 0; i < 100; ++i, now += 10'000) {
    auto o = gcra_decide(tat, now, p, 1);
    if (o.allowed) {
      ++allowed;
      tat = o.new_tat_us;
    }
  }
  EXPECT_EQ(allowed, 10);
}

TEST(Gcra, CostTakesSeveralCellsAndResetIsWhenTheBucketIsFull) {
  const std::int64_t interval = kSecond;
  const GcraParams p{interval, 5};
  const std::int64_t now = 10 * kSecond;
  auto o = gcra_decide(0, now, p, 3);
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.remaining, 2);
  EXPECT_EQ(o.reset_after_us, 3 * interval);
  auto refused = gcra_decide(o.new_tat_us, now, p, 3);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 2);  // a smaller request would still fit
  EXPECT_EQ(refused.retry_after_us, interval);
}

TEST(Gcra, IdleTimeRefillsButNeverBeyondTheBurst) {
  const GcraParams p{kSecond, 3};
  std::int64_t tat = 0;
  const std::int64_t now = 100 * kSecond;
  for (int i = 0; i < 3; ++i) tat = gcra_decide(tat, now, p, 1).new_tat_us;
  // An hour later: only the burst again, not 3600 requests.
  const std::int64_t later = now + 3600 * kSecond;
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    auto o = gcra_decide(tat, later, p, 1);
    if (o.allowed) {
      ++allowed;
      tat = o.new_tat_us;
    }
  }
  EXPECT_EQ(allowed, 3);
}

}  // namespace
}  // namespace ragcache::limits
