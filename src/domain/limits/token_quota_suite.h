// The token quota test suite, written once for any Redis deployment: token_quota_itest.cc runs it
// on one redis-server, token_quota_ctest.cc on a 6-node Redis Cluster.
#pragma once

#include "domain/limits/token_quota.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "support/deployment_test.h"
#include "support/free_port.h"

namespace ragcache::limits {
namespace {

using namespace std::chrono_literals;

class TokenQuotaTest : public testing::DeploymentTest {
 protected:
  // Long windows: no window can roll over while a test runs, so budgets are exact.
  TokenQuotaOptions options() {
    return {.key_prefix = prefix_ + "rl:", .short_window = 1h, .long_window = 24h * 365};
  }
  std::int64_t field(const TokenQuota& q, const std::string& subject, const std::string& name) {
    auto v = redis_cmd({"HGET", q.key_for(subject), name});
    return v == "(nil)" ? 0 : std::stoll(v);
  }
};

TEST_P(TokenQuotaTest, ConcurrentReservationsNeverExceedTheBudget) {
  TokenQuota quota(*client_, options());
  const TokenLimits limits{.per_minute = 10000, .per_day = 0};
  std::vector<std::int64_t> granted(200, 0);
  // 200 requests of 1..200 tokens (20100 in total) against 10000.
  run_concurrently(200, [&](int i) -> boost::asio::awaitable<void> {
    auto d = co_await quota.reserve("t", limits, i + 1);
    EXPECT_TRUE(d.has_value());
    if (d && d->allowed) granted[i] = i + 1;
  });
  std::int64_t sum = 0;
  for (auto g : granted) sum += g;
  EXPECT_LE(sum, 10000);
  EXPECT_GT(sum, 10000 - 200);  // refused only when the rest could not fit: nearly full
  EXPECT_EQ(field(quota, "t", "su"), sum);
  EXPECT_EQ(field(quota, "t", "lu"), sum);
}

TEST_P(TokenQuotaTest, ReleasesAndRefundsRestoreTheBudgetExactly) {
  TokenQuota quota(*client_, options());
  const TokenLimits limits{.per_minute = 5000, .per_day = 7000};
  std::vector<Reservation> held(50);
  run_concurrently(50, [&](int i) -> boost::asio::awaitable<void> {
    auto d = co_await quota.reserve("r", limits, 100);
    EXPECT_TRUE(d && d->allowed);
    if (d && d->reservation) held[i] = *d->reservation;
  });
  EXPECT_EQ(field(quota, "r", "su"), 5000);
  EXPECT_FALSE(run(quota.reserve("r", limits, 1))->allowed);  // full
  // Half fail upstream (release), half used only 40 tokens (settle refunds 60 each).
  run_concurrently(50, [&](int i) -> boost::asio::awaitable<void> {
    auto s = (i % 2) ? co_await quota.release(held[i]) : co_await quota.settle(held[i], 40);
    EXPECT_TRUE(s && s->found);
  });
  EXPECT_EQ(field(quota, "r", "su"), 25 * 40);
  EXPECT_EQ(field(quota, "r", "lu"), 25 * 40);
  // Settling or releasing again changes nothing.
  auto again = run(quota.settle(held[0], 99999));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->found);
  EXPECT_FALSE(run(quota.release(held[1]))->found);
  EXPECT_EQ(field(quota, "r", "su"), 1000);
  // All open reservations are gone.
  EXPECT_EQ(redis_cmd({"HLEN", quota.key_for("r")}), "4");
}

TEST_P(TokenQuotaTest, SettleChargesUsageAboveTheEstimate) {
  TokenQuota quota(*client_, options());
  const TokenLimits limits{.per_minute = 1000, .per_day = 0};
  auto d = run(quota.reserve("c", limits, 100));
  ASSERT_TRUE(d && d->allowed);
  EXPECT_EQ(d->minute_used, 100);
  EXPECT_EQ(d->minute_remaining(), 900);
  EXPECT_EQ(d->day_remaining(), -1);
  auto s = run(quota.settle(*d->reservation, 850));
  ASSERT_TRUE(s && s->found);
  EXPECT_EQ(s->delta, 750);
  EXPECT_EQ(s->minute_used, 850);
  auto refused = run(quota.reserve("c", limits, 151));
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_FALSE(refused->reservation.has_value());
  EXPECT_GT(refused->retry_after, 0ms);
  EXPECT_LE(refused->retry_after, 1h);
  EXPECT_EQ(refused->minute_used, 850);  // the refusal charged nothing
  EXPECT_TRUE(run(quota.reserve("c", limits, 150))->allowed);
}

TEST_P(TokenQuotaTest, TheDayBudgetRefusesToo) {
  TokenQuota quota(*client_, options());
  const TokenLimits limits{.per_minute = 0, .per_day = 300};
  EXPECT_TRUE(run(quota.reserve("d", limits, 200))->allowed);
  auto r = run(quota.reserve("d", limits, 200));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->allowed);
  EXPECT_EQ(r->retry_after, r->day_reset);
}

TEST_P(TokenQuotaTest, TwoGatewayClientsShareOneBudget) {
  auto other = make_client();
  wait_connected(*other);
  TokenQuota one(*client_, options());
  TokenQuota two(*other, options());
  const TokenLimits limits{.per_minute = 0, .per_day = 1000};
  std::atomic<int> allowed{0};
  run_concurrently(100, [&](int i) -> boost::asio::awaitable<void> {
    auto d = co_await ((i % 2) ? one : two).reserve("shared", limits, 25);
    EXPECT_TRUE(d.has_value());
    if (d && d->allowed) ++allowed;
  });
  EXPECT_EQ(allowed.load(), 40);
}

TEST_P(TokenQuotaTest, WindowsRollOverOnTheServerClock) {
  // A 1 s short window: after it ends the minute budget is whole again, the day one is not.
  TokenQuota quota(*client_, {.key_prefix = prefix_ + "rl:", .short_window = 1s, .long_window = 24h * 365});
  const TokenLimits limits{.per_minute = 100, .per_day = 1000};
  auto first = run(quota.reserve("w", limits, 100));
  ASSERT_TRUE(first && first->allowed);
  auto refused = run(quota.reserve("w", limits, 100));
  ASSERT_TRUE(refused);
  if (!refused->allowed) {  // (unless the second ended in between)
    EXPECT_LE(refused->retry_after, 1000ms);
    std::this_thread::sleep_for(refused->retry_after);
  }
  // The short window rolls over by the server's clock: a reservation succeeds again within a
  // bound (polled, since the test's sleep and the server's TIME are not in lockstep; a refused
  // attempt charges nothing).
  auto later = run(quota.reserve("w", limits, 100));
  const auto deadline = std::chrono::steady_clock::now() + ragcache::testing::scaled(1500ms);
  while (later && !later->allowed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    later = run(quota.reserve("w", limits, 100));
  }
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->allowed);
  EXPECT_GE(later->day_used, 200);
}

TEST_P(TokenQuotaTest, RedisDownFailsOpenOrClosedByConfig) {
  auto dead = make_client("redis://127.0.0.1:" + std::to_string(ragcache::testing::free_port()));
  const TokenLimits limits{.per_minute = 10};
  TokenQuota open(*dead, {.on_error = FailureMode::open});
  TokenQuota closed(*dead, {.on_error = FailureMode::closed});
  auto o = run(open.reserve("k", limits, 5));
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->allowed && o->degraded);
  // Nothing was charged, so settling it is a no-op rather than an error.
  ASSERT_TRUE(o->reservation);
  EXPECT_FALSE(o->reservation->charged());
  EXPECT_FALSE(run(open.settle(*o->reservation, 7))->found);
  auto c = run(closed.reserve("k", limits, 5));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->allowed);
  EXPECT_TRUE(c->degraded);
}

TEST_P(TokenQuotaTest, BadInput) {
  TokenQuota quota(*client_, options());
  EXPECT_FALSE(run(quota.reserve("x", {.per_minute = 5}, 0)));
  EXPECT_FALSE(run(quota.reserve("", {.per_minute = 5}, 1)));
  auto d = run(quota.reserve("x", {.per_minute = 5}, 1));
  ASSERT_TRUE(d && d->reservation);
  EXPECT_FALSE(run(quota.settle(*d->reservation, -1)));
}

TEST_P(TokenQuotaTest, ReservationsOfVanishedReplicasAreForgottenButStayCharged) {
  TokenQuota quota(*client_, {.key_prefix = prefix_ + "rl:", .short_window = 1s, .long_window = 24h * 365,
                              .reservation_ttl = 50ms});
  const TokenLimits limits{.per_minute = 1000, .per_day = 100000};
  auto lost = run(quota.reserve("v", limits, 300));  // its replica "crashes": never settled
  ASSERT_TRUE(lost && lost->allowed);
  EXPECT_EQ(redis_cmd({"HEXISTS", quota.key_for("v"), "r:" + lost->reservation->id}), "1");
  // The record is forgotten by the first reservation of a later short window that also finds it
  // past its own ttl: wait for both (a reservation made in a window's last 30 ms would otherwise
  // see its record still alive in the next one).
  std::this_thread::sleep_for(std::max<std::chrono::milliseconds>(lost->minute_reset, 50ms) + 20ms);
  auto next = run(quota.reserve("v", limits, 10));
  ASSERT_TRUE(next && next->allowed);
  // The forgotten reservation's record is gone, its estimate still counts for the day.
  EXPECT_EQ(redis_cmd({"HEXISTS", quota.key_for("v"), "r:" + lost->reservation->id}), "0");
  EXPECT_EQ(next->day_used, 310);
  EXPECT_EQ(next->minute_used, 10);
  EXPECT_FALSE(run(quota.settle(*lost->reservation, 1))->found);
}

}  // namespace
}  // namespace ragcache::limits
