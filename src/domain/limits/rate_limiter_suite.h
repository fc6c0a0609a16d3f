// The rate limiter test suite, written once for any Redis deployment: rate_limiter_itest.cc runs it
// on one redis-server, rate_limiter_ctest.cc on a 6-node Redis Cluster.
#pragma once

#include "domain/limits/rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include "support/deployment_test.h"
#include "support/free_port.h"

namespace ragcache::limits {
namespace {

using namespace std::chrono_literals;

class RateLimiterTest : public testing::DeploymentTest {
 protected:
  RateLimiterOptions options() { return {.key_prefix = prefix_ + "rl:"}; }
};

TEST_P(RateLimiterTest, ThousandConcurrentRequestsAgainstFiveHundredAllowExactly500) {
  RateLimiter limiter(*client_, options());
  // 500 per day with a burst of 500: the first 500 fit, the next cell frees 172.8 s later, far
  // beyond the time this test takes even under a sanitizer on a loaded machine.
  const RateLimit limit{.limit = 500, .period = 24h, .burst = 500};
  std::vector<RateDecision> decisions(1000);
  const auto start = std::chrono::steady_clock::now();
  run_concurrently(1000, [&](int i) -> boost::asio::awaitable<void> {
    auto d = co_await limiter.check("tenant-a", limit);
    EXPECT_TRUE(d.has_value()) << d.error().message();
    if (d) decisions[i] = *d;
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;

  int allowed = 0;
  for (const auto& d : decisions) {
    EXPECT_FALSE(d.degraded);
    if (d.allowed) {
      ++allowed;
      continue;
    }
    // The next cell frees one interval (172.8 s) after the burst was used up; since all of this
    // happened within `elapsed`, the wait is in (172.8 s - elapsed, 172.8 s].
    EXPECT_LE(d.retry_after, 172800ms);
    EXPECT_GE(d.retry_after + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed) + 1ms, 172800ms);
    EXPECT_EQ(d.remaining, 0);
  }
  EXPECT_EQ(allowed, 500);
  // Remaining counts down to 0 exactly once per value.
  std::vector<int> seen(500, 0);
  for (const auto& d : decisions)
    if (d.allowed && d.remaining >= 0 && d.remaining < 500) ++seen[d.remaining];
  for (int r = 0; r < 500; ++r) EXPECT_EQ(seen[r], 1) << "remaining=" << r;
}

TEST_P(RateLimiterTest, RefusedRequestsCostNothing) {
  RateLimiter limiter(*client_, options());
  // 2 per hour: nothing frees up while the test runs.
  const RateLimit limit{.limit = 2, .period = 1h, .burst = 2};
  ASSERT_TRUE(run(limiter.check("s", limit))->allowed);
  ASSERT_TRUE(run(limiter.check("s", limit))->allowed);
  const std::string tat_before = redis_cmd({"GET", limiter.key_for("s")});
  std::chrono::milliseconds first_wait{0};
  for (int i = 0; i < 20; ++i) {
    auto r = run(limiter.check("s", limit));
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->allowed);
    if (i == 0) first_wait = r->retry_after;
    // Hammering while refused never pushes the retry time further out.
    EXPECT_LE(r->retry_after, first_wait);
  }
  EXPECT_EQ(redis_cmd({"GET", limiter.key_for("s")}), tat_before);
}

TEST_P(RateLimiterTest, WaitingRetryAfterIsEnough) {
  RateLimiter limiter(*client_, options());
  // 1 per second.
  const RateLimit limit{.limit = 1, .period = 1s, .burst = 1};
  ASSERT_TRUE(run(limiter.check("w", limit))->allowed);
  auto refused = run(limiter.check("w", limit));
  ASSERT_TRUE(refused);
  if (refused->allowed) GTEST_SKIP() << "machine too slow: a second passed between two commands";
  EXPECT_GT(refused->retry_after, 0ms);
  EXPECT_LE(refused->retry_after, 1000ms);
  std::this_thread::sleep_for(refused->retry_after + 2ms);
  auto after = run(limiter.check("w", limit));
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->allowed);
}

TEST_P(RateLimiterTest, TwoGatewayClientsShareOneLimit) {
  auto other = make_client();
  wait_connected(*other);
  RateLimiter one(*client_, options());
  RateLimiter two(*other, options());
  const RateLimit limit{.limit = 100, .period = 1h, .burst = 100};
  std::atomic<int> allowed{0};
  run_concurrently(300, [&](int i) -> boost::asio::awaitable<void> {
    auto& limiter = (i % 2) ? one : two;
    auto d = co_await limiter.check("shared", limit);
    EXPECT_TRUE(d.has_value());
    if (d && d->allowed) ++allowed;
  });
  EXPECT_EQ(allowed.load(), 100);
}

TEST_P(RateLimiterTest, SubjectsAreIndependent) {
  RateLimiter limiter(*client_, options());
  const RateLimit limit{.limit = 1, .period = 1h};
  EXPECT_TRUE(run(limiter.check("x", limit))->allowed);
  EXPECT_FALSE(run(limiter.check("x", limit))->allowed);
  EXPECT_TRUE(run(limiter.check("y", limit))->allowed);
}

TEST_P(RateLimiterTest, BadInputIsAnErrorNotADecision) {
  RateLimiter limiter(*client_, options());
  const RateLimit limit{.limit = 5, .period = 1min};
  EXPECT_FALSE(run(limiter.check("a{b}", limit)));
  EXPECT_FALSE(run(limiter.check("a", limit, 0)));
  EXPECT_FALSE(run(limiter.check("a", limit, 6)));  // more than the burst could ever allow
  EXPECT_FALSE(run(limiter.check("a", RateLimit{.limit = 5, .period = 0ms})));
  auto unlimited = run(limiter.check("a", RateLimit{}));
  ASSERT_TRUE(unlimited);
  EXPECT_TRUE(unlimited->allowed);
}

TEST_P(RateLimiterTest, RedisDownFailsOpenOrClosedByConfig) {
  auto dead = make_client("redis://127.0.0.1:" + std::to_string(ragcache::testing::free_port()));
  const RateLimit limit{.limit = 5, .period = 1min};
  RateLimiter open(*dead, {.key_prefix = prefix_, .on_error = FailureMode::open});
  RateLimiter closed(*dead, {.key_prefix = prefix_, .on_error = FailureMode::closed, .closed_retry_after = 3s});
  auto o = run(open.check("k", limit));
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->allowed);
  EXPECT_TRUE(o->degraded);
  auto c = run(closed.check("k", limit));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->allowed);
  EXPECT_TRUE(c->degraded);
  EXPECT_EQ(c->retry_after, 3s);
}

}  // namespace
}  // namespace ragcache::limits
