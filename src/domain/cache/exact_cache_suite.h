// The exact cache test suite, written once for any Redis deployment: exact_cache_itest.cc runs it
// on one redis-server, exact_cache_ctest.cc on a 6-node Redis Cluster.
//
// The exact cache against real Redis: round trips, compression, what is never stored,
// TTL jitter, sliding expiry, fenced writes, invalidation (one, namespace, across replicas' L1).
#pragma once

#include "domain/cache/exact_cache.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "domain/cache/cache_itest_support.h"
#include "domain/cache/errors.h"
#include "domain/cache/lock_manager.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
using itest::sleep_for;
namespace asio = boost::asio;

CacheKey key_for(const std::string& question, const std::string& ns = "") {
  CanonicalRequest r;
  r.ns = ns;
  r.tenant = "t1";
  r.model = "m";
  r.messages = {{"user", question, ""}};
  return *make_cache_key(r);
}

class ExactCacheTest : public itest::CacheServerTest {
 protected:
  ExactCacheOptions options() {
    ExactCacheOptions o;
    o.key_prefix = prefix_;
    o.l1_max_bytes = 0;  // most tests look at Redis itself
    return o;
  }
};

TEST_P(ExactCacheTest, StoreThenLookupAndMissForOthers) {
  auto client = make_client();
  ExactCache cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto k = key_for("what is redis?");
    EXPECT_FALSE(*(co_await cache.lookup(k)));
    EXPECT_EQ(*(co_await cache.store(k, "an in-memory store")), StoreStatus::stored);
    EXPECT_EQ(*(co_await cache.lookup(k)), std::optional<std::string>("an in-memory store"));
    EXPECT_FALSE(*(co_await cache.lookup(key_for("what is redis"))));
  }());
}

TEST_P(ExactCacheTest, MalformedKeysGetAClearError) {
  auto client = make_client();
  ExactCache cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    for (CacheKey bad : {CacheKey{"", "", "c"}, CacheKey{"", "abc}", "c"}, CacheKey{"a b", std::string(64, 'a'), "c"}}) {
      auto looked = co_await cache.lookup(bad);
      EXPECT_FALSE(looked);
      if (!looked) {
        EXPECT_EQ(looked.error().code, Errc::invalid_key);
      }
      auto stored = co_await cache.store(bad, "x");
      EXPECT_FALSE(stored);
    }
  }());
}

TEST_P(ExactCacheTest, CompressionRoundTrip) {
  auto client = make_client();
  ExactCache cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto k = key_for("long answer please");
    std::string answer;
    for (int i = 0; i < 5000; ++i) answer += "token" + std::to_string(i % 97) + " ";
    EXPECT_EQ(*(co_await cache.store(k, answer)), StoreStatus::stored);
    EXPECT_EQ(cache.stats().compressed.load(), 1u);
    auto raw = command({"STRLEN", cache.keys().exact(k.ns, k.hash)});
    EXPECT_LT(std::stoul(raw), answer.size() / 3);  // really stored compressed
    auto hit = co_await cache.lookup(k);
    EXPECT_TRUE(hit && *hit);
    EXPECT_EQ(**hit, answer);
  }());
}

TEST_P(ExactCacheTest, OversizeTruncatedAndRefusedAreNotStored) {
  auto client = make_client();
  auto o = options();
  o.codec.max_entry_bytes = 2000;
  o.codec.compress_threshold = 1u << 30;
  ExactCache cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto big = key_for("big");
    EXPECT_EQ(*(co_await cache.store(big, std::string(5000, 'x'))), StoreStatus::skipped_too_large);
    EXPECT_EQ(command({"EXISTS", cache.keys().exact("", big.hash)}), "0");
    EXPECT_EQ(cache.stats().too_large.load(), 1u);
    auto cut = key_for("cut");
    EXPECT_EQ(*(co_await cache.store(cut, "partial", Completion::truncated)), StoreStatus::skipped_incomplete);
    auto refused = key_for("refused");
    EXPECT_EQ(*(co_await cache.store(refused, "I can't", Completion::refused)), StoreStatus::skipped_incomplete);
    EXPECT_EQ(command({"EXISTS", cache.keys().exact("", cut.hash)}), "0");
    EXPECT_EQ(command({"EXISTS", cache.keys().exact("", refused.hash)}), "0");
    EXPECT_EQ(cache.stats().incomplete.load(), 2u);
  }());
}

TEST_P(ExactCacheTest, JitteredTtlsSpreadOverTheWholeRange) {
  auto client = make_client();
  auto o = options();
  o.ttl_base = 1000s;
  o.ttl_jitter = 100s;
  ExactCache cache(*client, o);
  const int n = 10000;
  std::vector<CacheKey> keys;
  for (int i = 0; i < n; ++i) keys.push_back(key_for(std::string("q").append(std::to_string(i))));
  std::vector<std::chrono::steady_clock::time_point> store_started(n);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    int stored = 0, done = 0;
    const auto started = std::chrono::steady_clock::now();
    auto ex = co_await asio::this_coro::executor;
    // At most 256 stores in flight: the client's wait queue is bounded on purpose and
    // would (rightly) refuse 10,000 at once on a slow sanitizer build.
    const int max_in_flight = 256;
    for (int i = 0; i < n; ++i) {
      while (i - done >= max_in_flight) co_await sleep_for(1ms);
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        store_started[i] = std::chrono::steady_clock::now();
        auto s = co_await cache.store(keys[i], "a");
        if (s && *s == StoreStatus::stored) ++stored;
        ++done;
      }, asio::detached);
    }
    while (done < n) co_await sleep_for(5ms);
    EXPECT_EQ(stored, n);
    std::vector<redis::Command> cmds;
    for (const auto& k : keys) cmds.emplace_back("PTTL", cache.keys().exact(k.ns, k.hash));
    auto replies = co_await client->exec_pipeline(std::move(cmds), testing::scaled(20000ms));
    EXPECT_TRUE(replies);
    if (!replies) co_return;
    // PTTL = drawn TTL - time since the store, so add back what elapsed: since that key's own
    // store for the buckets (the stores of a slow run spread over many seconds, which would
    // shift the late keys' TTLs by as much), since the first store for the bounds.
    const auto read_at = std::chrono::steady_clock::now();
    auto ms_since = [&](std::chrono::steady_clock::time_point t) -> long long {
      return std::chrono::duration_cast<std::chrono::milliseconds>(read_at - t).count();
    };
    const long long elapsed = ms_since(started);
    std::vector<int> buckets(10, 0);
    long long lo = 1LL << 62, hi = 0;
    for (std::size_t i = 0; i < replies->size(); ++i) {
      long long ttl = (*replies)[i].integer;
      lo = std::min(lo, ttl);
      hi = std::max(hi, ttl);
      long long offset = std::clamp<long long>(ttl + ms_since(store_started[i]) - 1000000, 0, 99999);
      buckets[static_cast<std::size_t>(offset / 10000)]++;
    }
    EXPECT_GE(lo + elapsed, 1000000);  // never below base
    EXPECT_LE(hi, 1100000);            // never above base + J
    EXPECT_GE(hi + elapsed, 1100000 - 1000);  // and both ends of the range are reached
    EXPECT_LE(lo, 1000000 + 1000);
    for (int b : buckets) EXPECT_GT(b, 600) << "a tenth of [base, base+J] got almost no keys";
  }(), 120s);
}

TEST_P(ExactCacheTest, SlidingNamespaceRestartsTtlOnHitAbsoluteDoesNot) {
  auto client = make_client();
  auto o = options();
  o.ttl_base = 60s;
  o.ttl_jitter = 0s;
  o.namespace_expiry["slide"] = Expiry::sliding;
  ExactCache cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto slide = key_for("q", "slide");
    auto fixed = key_for("q", "fixed");
    co_await cache.store(slide, "a");
    co_await cache.store(fixed, "a");
    command({"PEXPIRE", cache.keys().exact("slide", slide.hash), "5000"});
    command({"PEXPIRE", cache.keys().exact("fixed", fixed.hash), "5000"});
    EXPECT_TRUE(*(co_await cache.lookup(slide)));
    EXPECT_TRUE(*(co_await cache.lookup(fixed)));
    EXPECT_GT(std::stoll(command({"PTTL", cache.keys().exact("slide", slide.hash)})), 50000);
    EXPECT_LE(std::stoll(command({"PTTL", cache.keys().exact("fixed", fixed.hash)})), 5000);
  }());
}

TEST_P(ExactCacheTest, CollidingEntryIsNeverServed) {
  auto client = make_client();
  ExactCache cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto a = key_for("question A");
    auto b = key_for("question B");
    // Pretend B hashed to A's key: the entry there was made for B's request.
    CacheKey forged{a.ns, a.hash, b.canonical};
    co_await cache.store(forged, "answer to B");
    EXPECT_FALSE(*(co_await cache.lookup(a)));
    EXPECT_EQ(cache.stats().collisions.load(), 1u);
    // Garbage under the key is a miss too, not an error.
    command({"SET", cache.keys().exact(a.ns, a.hash), "not an entry"});
    EXPECT_FALSE(*(co_await cache.lookup(a)));
  }());
}

TEST_P(ExactCacheTest, FencedWriteRefusedOnceTheLockLapsed) {
  auto client = make_client();
  ExactCache cache(*client, options());
  LockManager locks(*client, LockOptions{.key_prefix = prefix_});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto k = key_for("fenced");
    auto old_grant = co_await locks.try_acquire(KeySchema::flight_lock_name(k.hash), 50ms);
    EXPECT_TRUE(old_grant && *old_grant);
    co_await sleep_for(120ms);
    auto new_grant = co_await locks.try_acquire(KeySchema::flight_lock_name(k.hash), 5000ms);
    EXPECT_TRUE(new_grant && *new_grant);
    auto fresh = co_await cache.store_fenced(k, "new answer", **new_grant);
    EXPECT_TRUE(fresh);
    auto stale = co_await cache.store_fenced(k, "stale answer", **old_grant);
    EXPECT_FALSE(stale);
    EXPECT_EQ(stale.error().code, Errc::not_owner);
    EXPECT_EQ(*(co_await cache.lookup(k)), std::optional<std::string>("new answer"));
  }());
}

TEST_P(ExactCacheTest, InvalidateOneAndAWholeNamespaceWithScan) {
  auto client = make_client();
  auto o = options();
  o.scan_count = 100;
  ExactCache cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const int n = 2500;
    int done = 0;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        co_await cache.store(key_for("q" + std::to_string(i), "bulk"), "a");
        ++done;
      }, asio::detached);
    }
    auto keep = key_for("keep me");
    auto keep_other = key_for("keep me", "other");
    co_await cache.store(keep, "a");
    co_await cache.store(keep_other, "a");
    while (done < n) co_await sleep_for(5ms);
    auto deleted = co_await cache.invalidate_namespace("bulk");
    EXPECT_TRUE(deleted);
    EXPECT_EQ(*deleted, static_cast<std::size_t>(n));
    EXPECT_TRUE(*(co_await cache.lookup(keep)));
    EXPECT_TRUE(*(co_await cache.lookup(keep_other)));
    EXPECT_TRUE(*(co_await cache.invalidate(keep)));
    EXPECT_FALSE(*(co_await cache.lookup(keep)));
    EXPECT_FALSE(*(co_await cache.invalidate(keep)));
    EXPECT_FALSE(co_await cache.invalidate_namespace("bad:ns"));
  }(), 60s);
}

TEST_P(ExactCacheTest, L1ServesHitsAndDeletionReachesOtherReplicas) {
  auto client_a = make_client();
  auto client_b = make_client();
  auto o = options();
  o.l1_max_bytes = 1 << 20;
  o.l1_ttl = 60s;  // long: only the invalidation message can remove the entry in time
  o.invalidation_block = 200ms;
  ExactCache a(*client_a, o);
  ExactCache b(*client_b, o);
  a.start_invalidation_listener();
  b.start_invalidation_listener();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    // Listeners positioned (nothing to poll for; an invalidation before that would be missed).
    co_await sleep_for(testing::scaled(100ms));
    auto k = key_for("hot");
    co_await a.store(k, "v1");
    EXPECT_TRUE(*(co_await b.lookup(k)));  // from Redis, now in b's L1
    EXPECT_TRUE(*(co_await b.lookup(k)));
    EXPECT_EQ(b.stats().l1_hits.load(), 1u);
    EXPECT_TRUE(*(co_await a.invalidate(k)));
    bool gone = false;
    const auto give_up = std::chrono::steady_clock::now() + testing::scaled(3s);
    while (!gone && std::chrono::steady_clock::now() < give_up) {
      gone = !*(co_await b.lookup(k));
      if (!gone) co_await sleep_for(10ms);
    }
    EXPECT_TRUE(gone) << "b's L1 still serves a deleted entry";
    // Shutdown: the listener's loop has ended when the stop returns.
    EXPECT_TRUE(a.invalidation_listener_running());
    co_await a.stop_invalidation_listener(testing::scaled(3000ms));
    EXPECT_FALSE(a.invalidation_listener_running());
  }());
}

}  // namespace
}  // namespace ragcache::cache
