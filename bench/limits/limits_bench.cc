// limits_bench: rate-limit checks/s (GCRA, one Lua call each) or token reserve+settle pairs/s
// with N concurrent callers on one io thread, printed as one JSON line.
// usage: limits_bench gcra|quota <redis url> [seconds=5] [concurrency=50] [subjects=1000] [pool=1]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "domain/limits/rate_limiter.h"
#include "domain/limits/token_quota.h"

namespace asio = boost::asio;
using namespace ragcache;
using Clock = std::chrono::steady_clock;

namespace {

struct Counters {
  long ops = 0;
  long refused = 0;
  long errors = 0;
  bool measuring = false;
  bool stop = false;
};

asio::awaitable<void> gcra_worker(limits::RateLimiter& limiter, int worker, int subjects, Counters& c) {
  // Limits nobody reaches: every check does the full read-modify-write.
  const limits::RateLimit limit{.limit = 1'000'000'000, .period = std::chrono::minutes(1), .burst = 1'000'000'000};
  for (long i = 0; !c.stop; ++i) {
    const std::string subject = "bench-" + std::to_string((worker * 7919 + i) % subjects);
    auto d = co_await limiter.check(subject, limit);
    if (!c.measuring) continue;
    // A degraded decision (Redis could not be asked; fail-open allowed it) measured no Redis work.
    if (!d || d->degraded) ++c.errors;
    else if (!d->allowed) ++c.refused;
    else ++c.ops;
  }
}

asio::awaitable<void> quota_worker(limits::TokenQuota& quota, int worker, int subjects, Counters& c) {
  const limits::TokenLimits limits{.per_minute = 1'000'000'000'000, .per_day = 1'000'000'000'000};
  for (long i = 0; !c.stop; ++i) {
    const std::string subject = "bench-" + std::to_string((worker * 7919 + i) % subjects);
    auto d = co_await quota.reserve(subject, limits, 500);
    bool ok = d && d->allowed && !d->degraded && d->reservation;
    if (ok) ok = co_await quota.settle(*d->reservation, 420) ? true : false;
    if (!c.measuring) continue;
    if (!ok) ++c.errors;
    else ++c.ops;
  }
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s gcra|quota <redis url> [seconds=5] [concurrency=50] [subjects=1000] [pool=1]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const std::string url = argv[2];
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 5;
  const int concurrency = argc > 4 ? std::atoi(argv[4]) : 50;
  const int subjects = argc > 5 ? std::atoi(argv[5]) : 1000;
  const int pool = argc > 6 ? std::atoi(argv[6]) : 1;
  if ((mode != "gcra" && mode != "quota") || seconds <= 0 || concurrency <= 0 || subjects <= 0 || pool <= 0) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }

  asio::io_context io;
  redis::ClientOptions options;
  options.url = url;
  options.pool_size = static_cast<std::size_t>(pool);
  auto client = redis::Client::create(io.get_executor(), options);
  if (!client) {
    std::fprintf(stderr, "redis: %s\n", client.error().message().c_str());
    return 1;
  }
  limits::RateLimiter limiter(**client, {.key_prefix = "bench:rl:"});
  limits::TokenQuota quota(**client, {.key_prefix = "bench:rl:"});
  Counters c;
  double elapsed = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int w = 0; w < concurrency; ++w) {
      if (mode == "gcra") asio::co_spawn(io, gcra_worker(limiter, w, subjects, c), asio::detached);
      else asio::co_spawn(io, quota_worker(quota, w, subjects, c), asio::detached);
    }
    co_await sleep_for(std::chrono::seconds(1));  // warm-up: connect, load the scripts
    c.measuring = true;
    const auto start = Clock::now();
    co_await sleep_for(std::chrono::seconds(seconds));
    c.measuring = false;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    c.stop = true;
    co_await sleep_for(std::chrono::milliseconds(200));  // let in-flight calls finish
    io.stop();
  }, asio::detached);
  io.run();

  std::printf("{\"bench\":\"%s\",\"impl\":\"ragcache_%s\",\"concurrency\":%d,\"pool\":%d,\"seconds\":%.2f,"
              "\"ops\":%ld,\"refused\":%ld,\"errors\":%ld,\"ops_per_s\":%.0f}\n",
              mode == "gcra" ? "rate_limit" : "token_quota", mode == "gcra" ? "gcra" : "reserve_settle", concurrency, pool,
              elapsed, c.ops, c.refused, c.errors, c.ops / elapsed);
  return c.errors == 0 ? 0 : 1;
}
