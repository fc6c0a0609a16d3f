// Single-flight without Redis (no server: the client points at a port nobody listens on, or its
// circuit breaker is open). Coalescing must not depend on Redis: the callers of one key in one
// process share one compute, the one that started it reports bypass and the others shared.
#include "domain/cache/single_flight.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "base/hash.h"
#include "base/sleep.h"
#include "support/async_test.h"
#include "support/free_port.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

CacheKey key_for(const std::string& question) { return CacheKey{"", sha256_hex(question), "canonical " + question}; }

class SingleFlightWithoutRedisTest : public ::testing::Test {
 protected:
  void SetUp() override { make({}); }
  void TearDown() override {
    flight_.reset();
    cache_.reset();
    client_.reset();
    io_.restart();
    io_.run_for(100ms);  // let closed connections finish their handlers
  }

  void make(redis::CircuitBreakerOptions breaker) {
    redis::ClientOptions options;
    options.url = "redis://127.0.0.1:" + std::to_string(testing::free_port());  // nobody listens
    options.connection.connect_timeout = 100ms;
    options.connection.command_timeout = 100ms;
    options.circuit_breaker = breaker;
    auto client = redis::Client::create(io_.get_executor(), options);
    ASSERT_TRUE(client);
    client_ = std::move(*client);
    cache_ = std::make_unique<ExactCache>(*client_, ExactCacheOptions{.l1_max_bytes = 0});
    flight_ = std::make_unique<SingleFlight>(*cache_);
  }

  // n callers of `key` arriving over `spread`, each computing `answer` (counted) if it must.
  std::vector<Result<FlightResult>> ask(const CacheKey& key, int n, std::chrono::milliseconds spread,
                                        std::atomic<int>& computes) {
    std::vector<Result<FlightResult>> results(n, Error(ragcache::Errc::internal));
    testing::run_async(io_, [&]() -> asio::awaitable<void> {
      int done = 0;
      auto ex = co_await asio::this_coro::executor;
      for (int i = 0; i < n; ++i) {
        asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
          co_await sleep_for(spread * i / n);
          results[i] = co_await flight_->get_or_compute(key, [&computes]() -> asio::awaitable<Result<ComputeOutput>> {
            ++computes;
            co_await sleep_for(300ms);
            co_return ComputeOutput{"computed without the cache"};
          });
          ++done;
        }, asio::detached);
      }
      while (done < n) co_await sleep_for(5ms);
    }(), 20s);
    return results;
  }

  static void expect_one_bypass_rest_shared(const std::vector<Result<FlightResult>>& results) {
    int bypass = 0, shared = 0;
    for (const auto& r : results) {
      ASSERT_TRUE(r.has_value()) << r.error().message();
      EXPECT_EQ(r->value, "computed without the cache");
      bypass += r->role == FlightRole::bypass;
      shared += r->role == FlightRole::shared;
    }
    EXPECT_EQ(bypass, 1);
    EXPECT_EQ(shared, static_cast<int>(results.size()) - 1);
  }

  asio::io_context io_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<ExactCache> cache_;
  std::unique_ptr<SingleFlight> flight_;
};

TEST_F(SingleFlightWithoutRedisTest, CallersOfOneKeyShareOneCompute) {
  std::atomic<int> computes{0};
  auto results = ask(key_for("asked while Redis is down"), 30, 100ms, computes);
  EXPECT_EQ(computes.load(), 1);
  expect_one_bypass_rest_shared(results);
  EXPECT_EQ(flight_->stats().bypassed.load(), 1u);
}

TEST_F(SingleFlightWithoutRedisTest, EachKeyHasItsOwnFlight) {
  std::atomic<int> computes{0};
  std::vector<Result<FlightResult>> a, b;
  a = ask(key_for("first question"), 5, 0ms, computes);
  b = ask(key_for("second question"), 5, 0ms, computes);
  EXPECT_EQ(computes.load(), 2);
  expect_one_bypass_rest_shared(a);
  expect_one_bypass_rest_shared(b);
}

TEST_F(SingleFlightWithoutRedisTest, OpenCircuitBreakerStillCoalesces) {
  TearDown();
  make(redis::CircuitBreakerOptions{.failure_threshold = 1, .open_duration = 60s});
  std::atomic<int> computes{0};
  // The first flight's failures open the breaker; the second meets it open (refused at once).
  auto first = ask(key_for("opens the breaker"), 5, 0ms, computes);
  ASSERT_NE(client_->circuit_breaker(), nullptr);
  auto results = ask(key_for("meets the open breaker"), 20, 100ms, computes);
  EXPECT_EQ(computes.load(), 2);
  expect_one_bypass_rest_shared(first);
  expect_one_bypass_rest_shared(results);
}

TEST_F(SingleFlightWithoutRedisTest, StreamingCallersShareOneProducer) {
  std::atomic<int> produced{0};
  const int n = 10;
  std::vector<std::vector<std::string>> chunks(n);
  std::vector<std::optional<Result<StreamResult>>> results(n);
  auto key = key_for("streamed while Redis is down");
  StreamCompute produce = [&produced](ChunkSink& sink) -> asio::awaitable<Result<void>> {
    ++produced;
    co_await sink.push("a");
    co_await sleep_for(200ms);
    co_await sink.push("b");
    co_return Result<void>();
  };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        StreamHandlers h;
        h.on_chunk = [&chunks, i](std::string_view c) -> asio::awaitable<void> {
          chunks[i].emplace_back(c);
          co_return;
        };
        results[i] = co_await flight_->get_or_compute_stream(key, produce, h);
      }, asio::detached);
    }
    for (;;) {
      bool all = true;
      for (auto& r : results) all = all && r.has_value();
      if (all) break;
      co_await sleep_for(5ms);
    }
  }(), 20s);
  EXPECT_EQ(produced.load(), 1);
  int bypass = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(results[i]->has_value()) << results[i]->error().message();
    bypass += (*results[i])->role == FlightRole::bypass;
    EXPECT_EQ(chunks[i], (std::vector<std::string>{"a", "b"}));
  }
  EXPECT_EQ(bypass, 1);
}

}  // namespace
}  // namespace ragcache::cache
