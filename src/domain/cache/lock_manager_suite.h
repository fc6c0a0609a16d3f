// The lock manager test suite, written once for any Redis deployment: lock_manager_itest.cc runs it
// on one redis-server, lock_manager_ctest.cc on a 6-node Redis Cluster.
//
// Distributed locks against real Redis: ownership, fencing, blocking acquire woken by
// release signals, lease renewal and loss.
#pragma once

#include "domain/cache/lock_manager.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/cache/cache_itest_support.h"
#include "domain/cache/errors.h"
#include "domain/cache/lease.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
using itest::sleep_for;
namespace asio = boost::asio;

// A TTL meant to outlast the test's own work (not to expire in it): a budget, so scaled.
const auto kHold = testing::scaled(5000ms);

class LockTest : public itest::CacheServerTest {
 protected:
  LockOptions options(std::chrono::milliseconds recheck = 1000ms) {
    return LockOptions{.key_prefix = prefix_, .recheck_interval = recheck};
  }
};

TEST_P(LockTest, SecondAcquireFailsAndReleaseIsOwnerChecked) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto a = co_await locks.try_acquire("res", kHold);
    EXPECT_TRUE(a.has_value() && a->has_value());
    auto b = co_await locks.try_acquire("res", kHold);
    EXPECT_TRUE(b.has_value());
    EXPECT_FALSE(b->has_value());
    EXPECT_TRUE(co_await locks.release(**a));
    auto again = co_await locks.release(**a);
    EXPECT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::not_owner);
  }());
}

TEST_P(LockTest, ExpiredHolderNeitherReleasesNorExtendsTheNewHoldersLock) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto old_grant = co_await locks.try_acquire("res", 50ms);
    EXPECT_TRUE(old_grant && *old_grant);
    co_await sleep_for(120ms);
    EXPECT_FALSE((*old_grant)->valid());
    auto new_grant = co_await locks.try_acquire("res", 10000ms);
    EXPECT_TRUE(new_grant && *new_grant);
    EXPECT_GT((*new_grant)->fence(), (*old_grant)->fence());
    auto released = co_await locks.release(**old_grant);
    EXPECT_EQ(released.error().code, Errc::not_owner);
    auto extended = co_await locks.extend(**old_grant, 10000ms);
    EXPECT_EQ(extended.error().code, Errc::not_owner);
    // The new holder's lock is untouched.
    EXPECT_EQ(command({"GET", (*new_grant)->key}), (*new_grant)->value.encode());
    EXPECT_TRUE(co_await locks.release(**new_grant));
  }());
}

TEST_P(LockTest, ExtendRefusesNonPositiveTtlAndExtendsOtherwise) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto g = co_await locks.try_acquire("res", 1000ms);
    EXPECT_TRUE(g && *g);
    EXPECT_EQ((co_await locks.extend(**g, 0ms)).error().code, Errc::invalid_ttl);
    EXPECT_EQ((co_await locks.extend(**g, -5ms)).error().code, Errc::invalid_ttl);
    EXPECT_TRUE(co_await locks.extend(**g, 60000ms));
    EXPECT_GT(std::stoll(command({"PTTL", (*g)->key})), 10000);
    EXPECT_EQ((co_await locks.try_acquire("res", 0ms)).error().code, Errc::invalid_ttl);
    EXPECT_EQ((co_await locks.try_acquire("bad*name", 100ms)).error().code, Errc::invalid_key);
  }());
}

TEST_P(LockTest, FencingNumbersStrictlyIncreaseOver10000Grants) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::uint64_t last = 0;
    int violations = 0;
    for (int i = 0; i < 10000; ++i) {
      auto g = co_await locks.try_acquire("fenced", kHold);
      if (!g || !*g) {
        ADD_FAILURE() << "grant " << i << " failed";
        co_return;
      }
      if ((*g)->fence() <= last) ++violations;
      last = (*g)->fence();
      if (!co_await locks.release(**g)) ++violations;
    }
    EXPECT_EQ(violations, 0);
    EXPECT_GE(last, 10000u);
  }(), 120s);
}

TEST_P(LockTest, BlockedAcquireIsWokenByReleaseNotByPolling) {
  auto client = make_client();
  // A fallback re-check far beyond the wait timeout: only the release signal can wake the waiter.
  LockManager locks(*client, options(60000ms));
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto holder = co_await locks.try_acquire("res", 60000ms);
    EXPECT_TRUE(holder && *holder);
    std::optional<Result<LockGrant>> waited;
    asio::co_spawn(co_await asio::this_coro::executor,
                   [&]() -> asio::awaitable<void> { waited = co_await locks.acquire("res", 60000ms, kHold); },
                   asio::detached);
    co_await sleep_for(200ms);
    EXPECT_FALSE(waited.has_value());
    EXPECT_TRUE(co_await locks.release(**holder));
    const bool woken = co_await testing::eventually([&] { return waited.has_value(); }, 4s);
    EXPECT_TRUE(woken);
    if (!waited) co_return;
    EXPECT_TRUE(waited->has_value()) << waited->error().message();
    if (waited->has_value()) {
      EXPECT_GT((*waited)->fence(), (*holder)->fence());
    }
  }());
}

TEST_P(LockTest, BlockedAcquireGetsTheLockWhenACrashedHoldersTtlRunsOut) {
  auto client = make_client();
  LockManager locks(*client, options(60000ms));
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto crashed = co_await locks.try_acquire("res", 300ms);  // never released
    EXPECT_TRUE(crashed && *crashed);
    auto g = co_await locks.acquire("res", kHold, kHold);
    EXPECT_TRUE(g.has_value()) << (g ? "" : g.error().message());
  }());
}

TEST_P(LockTest, BlockedAcquireTimesOutWithAClearError) {
  auto client = make_client();
  LockManager locks(*client, options(100ms));
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto holder = co_await locks.try_acquire("res", 60000ms);
    EXPECT_TRUE(holder && *holder);
    auto g = co_await locks.acquire("res", 1000ms, 300ms);
    EXPECT_FALSE(g);
    EXPECT_EQ(g.error().code, Errc::lock_timeout);
  }());
}

TEST_P(LockTest, ManyWaitersInOneProcessAllGetTheLockInTurn) {
  auto client = make_client();
  LockManager locks(*client, options(60000ms));
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    int counter = 0, done = 0, errors = 0;
    const int n = 40;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        auto g = co_await locks.acquire("shared", kHold, testing::scaled(20000ms));
        if (!g) {
          ++errors;
        } else {
          int seen = counter;
          co_await sleep_for(2ms);
          counter = seen + 1;
          if (!co_await locks.release(*g)) ++errors;
        }
        ++done;
      }, asio::detached);
    }
    while (done < n) co_await sleep_for(10ms);
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(counter, n);
  }());
}

TEST_P(LockTest, LeaseRenewsWhileHeldAndReportsLoss) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    // TTL and wait scaled together: renewals keep up on a busy machine, and the wait still spans
    // three TTLs.
    auto g = co_await locks.try_acquire("leased", testing::scaled(300ms));
    EXPECT_TRUE(g && *g);
    bool lost = false;
    auto lease = Lease::start(locks, **g, [&](const Error& e) { lost = e.code == Errc::not_owner; });
    co_await sleep_for(testing::scaled(900ms));  // three TTLs: only renewal keeps it alive
    EXPECT_EQ(command({"GET", (*g)->key}), (*g)->value.encode());
    EXPECT_FALSE(lease->lost());
    command({"DEL", (*g)->key});  // someone broke the lock
    const bool noticed = co_await testing::eventually([&] { return lease->lost(); }, 1s);
    EXPECT_TRUE(noticed);
    EXPECT_TRUE(lost);
  }());
}

TEST_P(LockTest, StoppedLeaseStopsRenewing) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto g = co_await locks.try_acquire("leased", 300ms);
    EXPECT_TRUE(g && *g);
    auto lease = Lease::start(locks, **g);
    co_await sleep_for(150ms);
    lease->stop();
    co_await sleep_for(500ms);
    EXPECT_EQ(command({"EXISTS", (*g)->key}), "0");
  }());
}

TEST_P(LockTest, ConcurrentAttemptsOnOneNameGrantItOnce) {
  // Started in one turn, the attempts travel in a few script calls (group_commit_max each), the
  // full ones written at once and so in flight together: still only one may win.
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const int n = 2 * static_cast<int>(locks.options().group_commit_max) + 10;
    int done = 0, granted = 0, refused = 0, errors = 0;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        auto g = co_await locks.try_acquire("one", kHold);
        if (!g) {
          ++errors;
        } else if (*g) {
          ++granted;
        } else {
          ++refused;
        }
        ++done;
      }, asio::detached);
    }
    co_await testing::eventually([&] { return done == n; }, 5s);
    EXPECT_EQ(granted, 1);
    EXPECT_EQ(refused, n - 1);
    EXPECT_EQ(errors, 0);
  }());
}

TEST_P(LockTest, ManyCallersOverSeveralBatchesInFlightEachGetTheirOwnLocks) {
  // More callers than one group commit takes, each acquiring and releasing its own names in a
  // loop (the lock benchmark's pattern): several batches of acquires and releases are in flight
  // at once. Every pair must succeed, each name's fencing numbers increase, and on one server
  // (one counter) no number is handed out twice.
  auto client = make_client();
  LockManager locks(*client, options());
  const int callers = 3 * static_cast<int>(locks.options().group_commit_max) + 7, rounds = 21, names = 3;
  std::map<std::string, std::vector<std::uint64_t>> fences;  // by name, in grant order
  int done = 0, failures = 0;
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int c = 0; c < callers; ++c) {
      asio::co_spawn(ex, [&, c]() -> asio::awaitable<void> {
        for (int r = 0; r < rounds; ++r) {
          const auto name = "own:" + std::to_string(c) + ":" + std::to_string(r % names);
          auto g = co_await locks.try_acquire(name, kHold);
          if (!g || !*g) {
            ++failures;
            continue;
          }
          fences[name].push_back((*g)->fence());
          if (!co_await locks.release(**g)) ++failures;
        }
        ++done;
      }, asio::detached);
    }
    co_await testing::eventually([&] { return done == callers; }, 10s);
  }(), 60s);
  ASSERT_EQ(done, callers);
  EXPECT_EQ(failures, 0);
  ASSERT_EQ(fences.size(), static_cast<std::size_t>(callers * names));
  std::set<std::uint64_t> all;
  for (const auto& [name, f] : fences) {
    ASSERT_EQ(f.size(), static_cast<std::size_t>(rounds / names)) << name;
    EXPECT_TRUE(std::is_sorted(f.begin(), f.end()) && std::adjacent_find(f.begin(), f.end()) == f.end()) << name;
    all.insert(f.begin(), f.end());
  }
  if (fence_counters_for(client->options().url) == FenceCounters::one_per_server) {
    EXPECT_EQ(all.size(), static_cast<std::size_t>(callers * rounds));
  }
}

TEST_P(LockTest, OnlyAContendedReleaseSignalsAndAMarkedLockIsStillItsHolders) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const auto keys = locks.keys().lock("res");
    auto alone = co_await locks.try_acquire("res", kHold);
    EXPECT_TRUE(alone && *alone);
    if (!alone || !*alone) co_return;
    EXPECT_TRUE(co_await locks.release(**alone));
    EXPECT_EQ(command({"EXISTS", keys.signal}), "0");  // nobody waited: nothing but GET + DEL

    auto holder = co_await locks.try_acquire("res", kHold);
    EXPECT_TRUE(holder && *holder);
    if (!holder || !*holder) co_return;
    auto refused = co_await locks.try_acquire("res", kHold);
    EXPECT_TRUE(refused && !*refused);
    // The refused acquirer marked the value; the holder can still extend and release it.
    EXPECT_EQ(command({"GET", keys.lock}), (*holder)->value.encode() + LockValue::kWaitersMark);
    EXPECT_GT(std::stoll(command({"PTTL", keys.lock})), 0);  // APPEND kept the TTL
    EXPECT_TRUE(co_await locks.extend(**holder, 10000ms));
    EXPECT_TRUE(co_await locks.release(**holder));
    EXPECT_EQ(command({"EXISTS", keys.lock}), "0");
    // ... and its release appended the wake-up signal, naming the released value.
    auto tail = command({"XREVRANGE", keys.signal, "+", "-", "COUNT", "1"});
    EXPECT_NE(tail.find((*holder)->value.encode()), std::string::npos) << tail;
  }());
}

TEST_P(LockTest, ManyNamesShareFewFencingCountersAndALostCounterRestartsAbove) {
  auto client = make_client();
  LockManager locks(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const int n = 2000;
    int done = 0, errors = 0;
    std::vector<std::uint64_t> fences;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        auto g = co_await locks.try_acquire("name" + std::to_string(i), kHold);
        if (!g || !*g) {
          ++errors;
        } else {
          fences.push_back((*g)->fence());
          if (!co_await locks.release(**g)) ++errors;
        }
        ++done;
      }, asio::detached);
    }
    co_await testing::eventually([&] { return done == n; }, 10s);
    EXPECT_EQ(errors, 0);
    if (GetParam() == testing::Deployment::server) {
      // Released locks leave no key; one counter serves every name, so no number repeats. (On a
      // cluster each slot has its own counter: numbers are only unique per name there.)
      EXPECT_EQ(command({"KEYS", prefix_ + "*"}), prefix_ + "lock:fence");
      std::sort(fences.begin(), fences.end());
      EXPECT_EQ(std::adjacent_find(fences.begin(), fences.end()), fences.end()) << "two grants with one number";
    }
    // A counter that is lost (expired, restored from an older backup) starts above the old numbers.
    auto before = co_await locks.try_acquire("name0", kHold);
    EXPECT_TRUE(before && *before);
    if (!before || !*before) co_return;
    EXPECT_TRUE(co_await locks.release(**before));
    command({"DEL", locks.keys().lock("name0").fence});
    auto after = co_await locks.try_acquire("name0", kHold);
    EXPECT_TRUE(after && *after);
    if (after && *after) {
      EXPECT_GT((*after)->fence(), (*before)->fence());
    }
  }(), 60s);
}

}  // namespace
}  // namespace ragcache::cache
