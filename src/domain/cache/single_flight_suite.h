// The single flight test suite, written once for any Redis deployment: single_flight_itest.cc runs
// it on one redis-server, single_flight_ctest.cc on a 6-node Redis Cluster.
//
// Single-flight against real Redis, with several independent clients standing in for
// replicas (each its own Client, pool, ExactCache and SingleFlight).
#pragma once

#include "domain/cache/single_flight.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "domain/cache/cache_itest_support.h"
#include "domain/cache/errors.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
using itest::sleep_for;
namespace asio = boost::asio;

CacheKey key_for(const std::string& question) {
  CanonicalRequest r;
  r.tenant = "t1";
  r.model = "m";
  r.messages = {{"user", question, ""}};
  return *make_cache_key(r);
}

// One simulated replica.
struct Replica {
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<ExactCache> cache;
  std::unique_ptr<SingleFlight> flight;
};

class SingleFlightTest : public itest::CacheServerTest {
 protected:
  Replica make_replica(SingleFlightOptions so = {}) {
    Replica r;
    r.client = make_client(2);
    ExactCacheOptions eo;
    eo.key_prefix = prefix_;
    r.cache = std::make_unique<ExactCache>(*r.client, eo);
    r.flight = std::make_unique<SingleFlight>(*r.cache, so);
    return r;
  }
};

TEST_P(SingleFlightTest, ThousandCallersOnFourReplicasComputeOnceAndGetIdenticalBytes) {
  std::vector<Replica> replicas;
  for (int i = 0; i < 4; ++i) replicas.push_back(make_replica());
  auto key = key_for("the hot question");
  std::atomic<int> computes{0};
  // Each compute produces distinct bytes, so identical results prove they all came from one.
  Compute compute = [&computes]() -> asio::awaitable<Result<ComputeOutput>> {
    int n = ++computes;
    co_await sleep_for(testing::scaled(300ms));  // long enough for every caller to join
    std::string v = "answer #" + std::to_string(n) + " " + random_token();
    v.append(20000, 'x');  // above the compression threshold
    co_return ComputeOutput{v};
  };
  std::vector<Result<FlightResult>> results(1000, Error(ragcache::Errc::internal));
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    int done = 0;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < 1000; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        results[i] = co_await replicas[i % 4].flight->get_or_compute(key, compute);
        ++done;
      }, asio::detached);
    }
    while (done < 1000) co_await sleep_for(10ms);
  }(), 60s);
  EXPECT_EQ(computes.load(), 1);
  int leaders = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->value, results[0]->value);
    if (r->role == FlightRole::leader) ++leaders;
  }
  EXPECT_EQ(leaders, 1);
  int followed = 0;
  for (auto& r : replicas) followed += static_cast<int>(r.flight->stats().followed.load());
  EXPECT_EQ(followed, 3);  // one blocking reader per replica, not per caller
}

TEST_P(SingleFlightTest, StreamingFollowersOnFourReplicasGetEveryChunkInOrder) {
  std::vector<Replica> replicas;
  for (int i = 0; i < 4; ++i) replicas.push_back(make_replica());
  auto key = key_for("stream me");
  std::atomic<int> computes{0};
  std::vector<std::string> produced;
  StreamCompute produce = [&](ChunkSink& sink) -> asio::awaitable<Result<void>> {
    ++computes;
    co_await sleep_for(100ms);  // everyone has joined before the first chunk...
    for (int i = 0; i < 20; ++i) {
      std::string chunk = "chunk-" + std::to_string(i) + "-" + random_token().substr(0, 6) + " ";
      produced.push_back(chunk);
      auto pushed = co_await sink.push(chunk);
      if (!pushed) co_return pushed.error();
      co_await sleep_for(10ms);  // ...and chunks arrive over time
    }
    co_return Result<void>();
  };
  const int n = 1000;
  std::vector<std::vector<std::string>> got(n);
  std::vector<Result<StreamResult>> results(n, Error(ragcache::Errc::internal));
  std::vector<int> starts(n, 0);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    int done = 0;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        StreamHandlers h;
        h.on_start = [&, i](FlightRole) -> asio::awaitable<void> { ++starts[i]; co_return; };
        h.on_chunk = [&, i](std::string_view c) -> asio::awaitable<void> { got[i].emplace_back(c); co_return; };
        results[i] = co_await replicas[i % 4].flight->get_or_compute_stream(key, produce, h);
        ++done;
      }, asio::detached);
    }
    while (done < n) co_await sleep_for(10ms);
  }(), 60s);
  EXPECT_EQ(computes.load(), 1);
  ASSERT_EQ(produced.size(), 20u);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().message();
    EXPECT_EQ(starts[i], 1);
    if (results[i]->role == FlightRole::hit) continue;  // a very late caller sees the stored answer
    EXPECT_EQ(got[i], produced) << "caller " << i;
  }
}

TEST_P(SingleFlightTest, FollowerArrivingMidStreamGetsTheWholeAnswer) {
  auto leader = make_replica();
  auto late = make_replica();
  auto key = key_for("late joiner");
  std::vector<std::string> produced;
  std::vector<std::string> late_got;
  StreamCompute produce = [&](ChunkSink& sink) -> asio::awaitable<Result<void>> {
    for (int i = 0; i < 10; ++i) {
      produced.push_back("c" + std::to_string(i));
      co_await sink.push(produced.back());
      co_await sleep_for(30ms);
    }
    co_return Result<void>();
  };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    bool leader_done = false;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      auto r = co_await leader.flight->get_or_compute_stream(key, produce, {});
      EXPECT_TRUE(r && r->role == FlightRole::leader);
      leader_done = true;
    }, asio::detached);
    while (produced.size() < 5) co_await sleep_for(5ms);
    StreamHandlers h;
    h.on_chunk = [&](std::string_view c) -> asio::awaitable<void> { late_got.emplace_back(c); co_return; };
    auto r = co_await late.flight->get_or_compute_stream(key, [](ChunkSink&) -> asio::awaitable<Result<void>> {
      ADD_FAILURE() << "the follower computed";
      co_return Result<void>();
    }, h);
    EXPECT_TRUE(r);
    if (r) {
      EXPECT_EQ(r->role, FlightRole::shared);
    }
    while (!leader_done) co_await sleep_for(5ms);
    // The flight stream lingers briefly for late readers, then expires (cache role: never without TTL).
    auto pttl = std::stoll(command({"PTTL", leader.cache->keys().flight(key.hash)}));
    EXPECT_GT(pttl, 0);
    EXPECT_LE(pttl, leader.flight->options().stream_linger.count());
    auto fence_ttl = std::stoll(command({"PTTL", leader.cache->keys().lock(KeySchema::flight_lock_name(key.hash)).fence}));
    EXPECT_GT(fence_ttl, 0);
  }());
  EXPECT_EQ(late_got, produced);
}

TEST_P(SingleFlightTest, LeaderErrorReachesFollowersAndNothingIsCached) {
  auto a = make_replica();
  auto b = make_replica();
  auto key = key_for("will fail");
  int computes = 0;
  Compute failing = [&]() -> asio::awaitable<Result<ComputeOutput>> {
    ++computes;
    co_await sleep_for(100ms);
    co_return Error(ragcache::Errc::unavailable, "upstream said 503");
  };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<Result<FlightResult>> rs(6, Error(ragcache::Errc::internal));
    int done = 0;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < 6; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        rs[i] = co_await (i % 2 ? a : b).flight->get_or_compute(key, failing);
        ++done;
      }, asio::detached);
    }
    while (done < 6) co_await sleep_for(5ms);
    EXPECT_EQ(computes, 1);
    for (const auto& r : rs) EXPECT_FALSE(r.has_value());
    int relayed = 0;
    for (const auto& r : rs) {
      if (!r && r.error().code == Errc::leader_failed) {
        ++relayed;
        EXPECT_NE(r.error().detail.find("upstream said 503"), std::string::npos);
      }
    }
    EXPECT_EQ(relayed, 3);  // the other replica's callers
    EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "0");
    EXPECT_EQ(command({"EXISTS", a.cache->keys().lock(KeySchema::flight_lock_name(key.hash)).lock}), "0");
    // The next request tries again.
    auto again = co_await a.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      co_return ComputeOutput{"ok now"};
    });
    EXPECT_TRUE(again && again->value == "ok now");
  }());
}

// Invalidation while the answer is being generated: its callers get it, the cache does not
// keep it (the generation began before the invalidation, so it may be built on what was
// invalidated), and the next request computes afresh.
TEST_P(SingleFlightTest, InvalidationDuringTheFlightKeepsItsAnswerOutOfTheCache) {
  for (const std::string ns : {"", "docs-v1"}) {
    for (const bool whole_namespace : {false, true}) {
      SCOPED_TRACE("namespace '" + ns + "', " + (whole_namespace ? "namespace" : "key") + " invalidation");
      auto a = make_replica();
      auto b = make_replica();
      auto key = key_for("invalidated while generating " + ns + (whole_namespace ? " ns" : " key") + random_token());
      key.ns = ns;
      std::atomic<int> computes{0};
      Compute slow = [&computes]() -> asio::awaitable<Result<ComputeOutput>> {
        ++computes;
        co_await sleep_for(400ms);
        co_return ComputeOutput{"built on stale data"};
      };
      testing::run_async(io_, [&]() -> asio::awaitable<void> {
        std::optional<Result<FlightResult>> led, followed;
        auto ex = co_await asio::this_coro::executor;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> { led = co_await a.flight->get_or_compute(key, slow); },
                       asio::detached);
        co_await sleep_for(100ms);
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> { followed = co_await b.flight->get_or_compute(key, slow); },
                       asio::detached);
        co_await sleep_for(100ms);  // mid-generation
        if (whole_namespace) {
          EXPECT_TRUE((co_await b.cache->invalidate_namespace(ns)).has_value());
        } else {
          EXPECT_TRUE((co_await b.cache->invalidate(key)).has_value());
        }
        while (!led || !followed) co_await sleep_for(10ms);
        EXPECT_TRUE(*led && (*led)->role == FlightRole::leader);
        EXPECT_TRUE(*led && (*led)->value == "built on stale data");  // delivered to the flight's callers
        EXPECT_TRUE(*followed && (*followed)->role == FlightRole::shared);
        EXPECT_TRUE(*followed && (*followed)->value == "built on stale data");
        EXPECT_EQ(computes.load(), 1);
        EXPECT_EQ(a.flight->stats().invalidated_in_flight.load(), 1u);
        EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "0") << "stored despite the invalidation";
        EXPECT_EQ(command({"EXISTS", a.cache->keys().inflight(key.ns, key.hash)}), "0");
        // Not in the leader's L1 either: the next request computes again, and that answer is kept.
        auto again = co_await a.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
          co_return ComputeOutput{"fresh"};
        });
        EXPECT_TRUE(again && again->role == FlightRole::leader && again->value == "fresh");
        EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "1");
      }());
    }
  }
}

// An invalidation that comes after the flight finished deletes the stored answer as usual, and
// a flight of another key in the same namespace that never saw an invalidation is stored.
TEST_P(SingleFlightTest, InvalidationOfAnotherKeyDoesNotStopAFlight) {
  auto a = make_replica();
  auto key = key_for("left alone " + random_token());
  auto other = key_for("the invalidated one " + random_token());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::optional<Result<FlightResult>> led;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      led = co_await a.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
        co_await sleep_for(300ms);
        co_return ComputeOutput{"kept"};
      });
    }, asio::detached);
    co_await sleep_for(100ms);
    EXPECT_TRUE((co_await a.cache->invalidate(other)).has_value());
    while (!led) co_await sleep_for(10ms);
    EXPECT_TRUE(*led && (*led)->value == "kept");
    EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "1");
    EXPECT_EQ(a.flight->stats().invalidated_in_flight.load(), 0u);
  }());
}

// A streaming flight invalidated mid-stream: every chunk still reaches its callers, nothing is kept.
TEST_P(SingleFlightTest, StreamingFlightInvalidatedMidStreamIsNotStored) {
  auto a = make_replica();
  auto key = key_for("streamed then invalidated " + random_token());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<std::string> chunks;
    std::optional<Result<StreamResult>> r;
    StreamCompute produce = [&](ChunkSink& sink) -> asio::awaitable<Result<void>> {
      co_await sink.push("one ");
      co_await sleep_for(300ms);
      co_await sink.push("two");
      co_return Result<void>();
    };
    StreamHandlers h;
    h.on_chunk = [&](std::string_view c) -> asio::awaitable<void> {
      chunks.emplace_back(c);
      co_return;
    };
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      r = co_await a.flight->get_or_compute_stream(key, produce, h);
    }, asio::detached);
    co_await sleep_for(100ms);
    EXPECT_TRUE((co_await a.cache->invalidate_namespace(key.ns)).has_value());
    while (!r) co_await sleep_for(10ms);
    EXPECT_TRUE(r->has_value());
    EXPECT_EQ(chunks, (std::vector<std::string>{"one ", "two"}));
    EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "0");
  }());
}

// Coalescing does not depend on Redis: while every command waits (CLIENT PAUSE: a slow or stuck
// server) and times out, the callers of one key in one process still share one compute.
TEST_P(SingleFlightTest, SlowRedisStillOneComputePerKeyPerProcess) {
  redis::ClientOptions options;
  options.url = redis_->url();
  options.pool_size = 2;
  options.connection.command_timeout = 150ms;
  auto slow_client = redis::Client::create(io_.get_executor(), options);
  ASSERT_TRUE(slow_client);
  ExactCache cache(**slow_client, ExactCacheOptions{.key_prefix = prefix_, .l1_max_bytes = 0});
  SingleFlight flight(cache);
  auto key = key_for("asked while Redis is stuck " + random_token());
  std::atomic<int> computes{0};
  Compute compute = [&computes]() -> asio::awaitable<Result<ComputeOutput>> {
    ++computes;
    co_await sleep_for(300ms);
    co_return ComputeOutput{"answer without the cache"};
  };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    // Pause every node the key could live on (all of them, on a cluster).
    auto primaries = co_await (**slow_client).primaries();
    EXPECT_TRUE(primaries);
    if (!primaries) co_return;
    for (const auto& ep : *primaries) {
      auto node = (**slow_client).dedicated_to(ep);
      auto paused = co_await (*node)->exec(redis::Command("CLIENT", "PAUSE", 1500, "ALL"), 1000ms);
      EXPECT_TRUE(paused) << paused.error().message();
    }
    const int n = 20;
    std::vector<std::optional<Result<FlightResult>>> rs(n);
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        co_await sleep_for(std::chrono::milliseconds(i * 10));  // over 200 ms, all within the compute
        rs[i] = co_await flight.get_or_compute(key, compute);
      }, asio::detached);
    }
    for (int i = 0; i < 500; ++i) {
      bool all = true;
      for (auto& r : rs) all = all && r.has_value();
      if (all) break;
      co_await sleep_for(10ms);
    }
    EXPECT_EQ(computes.load(), 1);
    int bypass = 0, shared = 0;
    for (auto& r : rs) {
      EXPECT_TRUE(r.has_value() && r->has_value());
      if (!r || !*r) continue;
      EXPECT_EQ((*r)->value, "answer without the cache");
      bypass += (*r)->role == FlightRole::bypass;
      shared += (*r)->role == FlightRole::shared;
    }
    EXPECT_EQ(bypass, 1);
    EXPECT_EQ(shared, n - 1);
    co_await sleep_for(1500ms);  // let the pause end before the next test
  }(), 30s);
}

TEST_P(SingleFlightTest, TruncatedAnswerIsSharedButNotCached) {
  auto a = make_replica();
  auto key = key_for("cut short");
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto r = co_await a.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      co_return ComputeOutput{"partial", Completion::truncated};
    });
    EXPECT_TRUE(r && r->value == "partial");
    EXPECT_EQ(command({"EXISTS", a.cache->keys().exact(key.ns, key.hash)}), "0");
  }());
}

TEST_P(SingleFlightTest, SecondRequestIsAHit) {
  auto a = make_replica();
  auto b = make_replica();
  auto key = key_for("cache me");
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto first = co_await a.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      co_return ComputeOutput{"stored"};
    });
    EXPECT_TRUE(first && first->role == FlightRole::leader);
    auto second = co_await b.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      ADD_FAILURE() << "computed twice";
      co_return ComputeOutput{"again"};
    });
    EXPECT_TRUE(second && second->role == FlightRole::hit && second->value == "stored");
    EXPECT_EQ(to_string(second->role), "hit");
  }());
}

TEST_P(SingleFlightTest, FollowerDeadlineGivesTimeoutOrOwnCompute) {
  auto leader = make_replica();
  auto strict = make_replica(SingleFlightOptions{.wait_timeout = 200ms});
  auto eager = make_replica(SingleFlightOptions{.wait_timeout = 200ms, .compute_on_timeout = true});
  auto key = key_for("slow");
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    bool leader_started = false, leader_done = false;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      co_await leader.flight->get_or_compute(key, [&]() -> asio::awaitable<Result<ComputeOutput>> {
        leader_started = true;
        // Far longer than both followers' waits, on the machine's scale.
        co_await sleep_for(testing::scaled(1500ms));
        co_return ComputeOutput{"slow answer"};
      });
      leader_done = true;
    }, asio::detached);
    const bool leading = co_await testing::eventually([&] { return leader_started; }, 2s);
    EXPECT_TRUE(leading);
    if (!leading) co_return;
    auto timed_out = co_await strict.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      co_return ComputeOutput{"should not run"};
    });
    EXPECT_FALSE(timed_out);
    if (!timed_out) {
      EXPECT_EQ(timed_out.error().code, Errc::wait_timeout);
    }
    auto own = co_await eager.flight->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
      co_return ComputeOutput{"own answer"};
    });
    EXPECT_TRUE(own && own->role == FlightRole::bypass && own->value == "own answer");
    while (!leader_done) co_await sleep_for(10ms);
    // The follower's own answer was not stored: the leader's is.
    auto hit = co_await strict.cache->lookup(key);
    EXPECT_TRUE(hit && *hit && **hit == "slow answer");
  }());
}

TEST_P(SingleFlightTest, CancelledFollowerDoesNotCancelTheLeaderOrOtherFollowers) {
  auto a = make_replica();
  auto b = make_replica();
  auto key = key_for("cancel one");
  int computes = 0;
  Compute compute = [&]() -> asio::awaitable<Result<ComputeOutput>> {
    ++computes;
    co_await sleep_for(testing::scaled(400ms));  // outlasts the followers' joining and cancelling
    co_return ComputeOutput{"finished anyway"};
  };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    std::optional<Result<FlightResult>> leader_r, kept_r, cancelled_r;
    // The leader's own caller is cancelled too: the compute must still finish for the others.
    asio::cancellation_signal cancel_leader, cancel_follower;
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> { leader_r = co_await a.flight->get_or_compute(key, compute); },
                   asio::bind_cancellation_slot(cancel_leader.slot(), asio::detached));
    const bool leading = co_await testing::eventually([&] { return computes == 1; }, 2s);
    EXPECT_TRUE(leading);
    if (!leading) co_return;
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> { cancelled_r = co_await b.flight->get_or_compute(key, compute); },
                   asio::bind_cancellation_slot(cancel_follower.slot(), asio::detached));
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> { kept_r = co_await b.flight->get_or_compute(key, compute); },
                   asio::detached);
    co_await sleep_for(100ms);
    cancel_leader.emit(asio::cancellation_type::terminal);
    cancel_follower.emit(asio::cancellation_type::terminal);
    const bool kept_finished = co_await testing::eventually([&] { return kept_r.has_value(); }, 3s);
    EXPECT_TRUE(kept_finished);
    if (kept_r) {
      EXPECT_TRUE(kept_r->has_value() && (*kept_r)->value == "finished anyway");
    }
    EXPECT_EQ(computes, 1);
    auto hit = co_await a.cache->lookup(key);
    EXPECT_TRUE(hit && *hit);
  }());
}

TEST_P(SingleFlightTest, StreamCallerGetsHitAsOneChunk) {
  auto a = make_replica();
  auto key = key_for("hit as stream");
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    co_await a.cache->store(key, "whole answer");
    std::vector<std::string> got;
    FlightRole started_as = FlightRole::leader;
    StreamHandlers h;
    h.on_start = [&](FlightRole r) -> asio::awaitable<void> { started_as = r; co_return; };
    h.on_chunk = [&](std::string_view c) -> asio::awaitable<void> { got.emplace_back(c); co_return; };
    auto r = co_await a.flight->get_or_compute_stream(key, [](ChunkSink&) -> asio::awaitable<Result<void>> {
      co_return Error(ragcache::Errc::internal, "must not run");
    }, h);
    EXPECT_TRUE(r && r->role == FlightRole::hit);
    EXPECT_EQ(started_as, FlightRole::hit);
    EXPECT_EQ(got, std::vector<std::string>{"whole answer"});
  }());
}

}  // namespace
}  // namespace ragcache::cache
