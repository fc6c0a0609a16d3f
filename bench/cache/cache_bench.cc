// cache_bench: measurements for bench/cache/run.sh, printed as one JSON object per line.
//
//   cache_bench wakeup <redis url> [rounds=300] [followers=16] [baseline rounds=100]
//     Follower wake-up latency after the leader finishes (time from the end of the leader's
//     compute to the moment each follower has the answer), p50/p99, for
//       - ragcache SingleFlight: followers on 4 replicas (own clients) woken by the flight stream;
//       - the common recipe in the same run: followers try SET NX on the lock, sleep 100 ms
//         between tries, and re-read the cache once they get it (redis-py Lock(blocking_timeout,
//         sleep=0.1) style).
//     The leader's compute lasts a random 60..160 ms and followers arrive over its first 50 ms,
//     so every follower waits and the baseline's retry phase is random.
//   cache_bench locks <redis url> [seconds=5] [concurrency=50] [connections=1]
//     Lock acquire+release pairs/s on distinct keys with `concurrency` callers on one client
//     (pipelined over its connections), to compare with bench/cache/redlock_bench.cjs. Also
//     total_pairs (warm-up included) and this process's CPU per pair over the same span.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "base/hash.h"
#include "base/random.h"
#include "domain/cache/lock_manager.h"
#include "domain/cache/single_flight.h"

namespace asio = boost::asio;
using namespace ragcache;
using namespace ragcache::cache;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

asio::awaitable<void> sleep_for(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// errors: callers that got an error or another answer than the one computed; computes: how many
// times the answer was computed (single-flight: exactly once per round). run.sh fails on either.
void print_latencies(const char* name, std::vector<double> v, int rounds, int followers, long long errors,
                     long long computes) {
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))]; };
  std::printf("{\"bench\":\"wakeup\",\"impl\":\"%s\",\"rounds\":%d,\"followers\":%d,\"samples\":%zu,"
              "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%lld,\"computes\":%lld}\n",
              name, rounds, followers, v.size(), pct(0.5) / 1000, pct(0.9) / 1000, pct(0.99) / 1000,
              v.empty() ? 0.0 : v.back() / 1000, errors, computes);
  std::fflush(stdout);
}

struct Replica {
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<ExactCache> cache;
  std::unique_ptr<SingleFlight> flight;
};

asio::awaitable<void> wakeup(std::string url, int rounds, int followers, int baseline_rounds) {
  auto ex = co_await asio::this_coro::executor;
  const std::string prefix = "bench" + random_token().substr(0, 8) + ":";
  std::vector<Replica> replicas;
  for (int i = 0; i < 4; ++i) {
    Replica r;
    redis::ClientOptions options;
    options.url = url;
    r.client = std::move(*redis::Client::create(ex, options));
    ExactCacheOptions eo;
    eo.key_prefix = prefix;
    eo.l1_max_bytes = 0;
    r.cache = std::make_unique<ExactCache>(*r.client, eo);
    r.flight = std::make_unique<SingleFlight>(*r.cache);
    replicas.push_back(std::move(r));
  }
  co_await sleep_for(milliseconds(200));  // connections up

  // ---- ragcache single-flight ----
  const std::string answer(2000, 'a');
  std::vector<double> ours;
  long long errors = 0, computes = 0;
  auto check = [&](const Result<FlightResult>& r) {
    if (!r || r->value != answer) ++errors;
  };
  for (int round = 0; round < rounds; ++round) {
    CacheKey key{"", sha256_hex(prefix + std::to_string(round)), "c" + std::to_string(round)};
    Clock::time_point computed_at{};
    auto compute_ms = milliseconds(random_between(60, 160));
    int done = 0;
    auto leader = [&]() -> asio::awaitable<void> {
      check(co_await replicas[0].flight->get_or_compute(key, [&]() -> asio::awaitable<Result<ComputeOutput>> {
        ++computes;
        co_await sleep_for(compute_ms);
        computed_at = Clock::now();
        co_return ComputeOutput{answer};
      }));
      ++done;
    };
    asio::co_spawn(ex, leader(), asio::detached);
    co_await sleep_for(milliseconds(5));
    std::vector<Clock::time_point> got(followers);
    for (int i = 0; i < followers; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        co_await sleep_for(milliseconds(random_between(0, 50)));  // followers arrive over time
        // A follower leads only if scheduling delayed the leader; it then plays the leader's part.
        check(co_await replicas[1 + i % 3].flight->get_or_compute(key, [&]() -> asio::awaitable<Result<ComputeOutput>> {
          ++computes;
          co_await sleep_for(compute_ms);
          computed_at = Clock::now();
          co_return ComputeOutput{answer};
        }));
        got[i] = Clock::now();
        ++done;
      }, asio::detached);
    }
    while (done < followers + 1) co_await sleep_for(milliseconds(1));
    for (auto t : got) ours.push_back(us(t - computed_at));
  }
  print_latencies("ragcache_single_flight", ours, rounds, followers, errors, computes);

  // ---- baseline: lock with blocking_timeout, sleep 100 ms between tries, re-read the cache ----
  std::vector<double> base;
  long long base_errors = 0;
  for (int round = 0; round < baseline_rounds; ++round) {
    const std::string lock = prefix + "baseline:lock:" + std::to_string(round);
    const std::string value_key = prefix + "baseline:value:" + std::to_string(round);
    Clock::time_point computed_at{};
    auto compute_ms = milliseconds(random_between(60, 160));
    int done = 0;
    auto leader = [&]() -> asio::awaitable<void> {
      auto& lc = *replicas[0].client;
      auto token = random_token();
      co_await lc.exec(redis::Command("SET", lock, token, "NX", "PX", 10000));
      co_await sleep_for(compute_ms);
      computed_at = Clock::now();
      co_await lc.exec(redis::Command("SET", value_key, answer, "PX", 60000));
      co_await lc.exec(redis::Command("DEL", lock));
      ++done;
    };
    asio::co_spawn(ex, leader(), asio::detached);
    co_await sleep_for(milliseconds(5));
    std::vector<Clock::time_point> got(followers);
    for (int i = 0; i < followers; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        auto& fc = *replicas[1 + i % 3].client;
        auto token = random_token();
        co_await sleep_for(milliseconds(random_between(0, 50)));  // followers arrive over time
        // Bounded: a Redis that refuses every try (an error, not a held lock) ends the wait as an error.
        for (int tries = 0;; ++tries) {
          auto r = co_await fc.exec(redis::Command("SET", lock, token, "NX", "PX", 10000));
          if (!r || r->is_error() || tries == 100) {
            ++base_errors;
            break;
          }
          if (r->is_string()) {
            auto v = co_await fc.exec(redis::Command("GET", value_key));
            co_await fc.exec(redis::Command("DEL", lock));
            if (v && !v->is_nil()) {
              if (!v->is_string() || v->str != answer) ++base_errors;
              break;
            }
          }
          co_await sleep_for(milliseconds(100));
        }
        got[i] = Clock::now();
        ++done;
      }, asio::detached);
    }
    while (done < followers + 1) co_await sleep_for(milliseconds(1));
    for (auto t : got) base.push_back(us(t - computed_at));
  }
  print_latencies("baseline_sleep_100ms_retry", base, baseline_rounds, followers, base_errors, baseline_rounds);
}

asio::awaitable<void> locks(std::string url, int seconds, int concurrency, std::size_t pool_size) {
  auto ex = co_await asio::this_coro::executor;
  redis::ClientOptions options;
  options.url = url;
  options.pool_size = pool_size;  // one connection carries every caller's commands, pipelined
  auto client = std::move(*redis::Client::create(ex, options));
  LockManager lm(*client, LockOptions{.key_prefix = "bench" + random_token().substr(0, 8) + ":"});
  co_await sleep_for(milliseconds(200));
  long long pairs = 0, errors = 0;
  bool stop = false;
  int running = 0;
  auto worker = [&](int w) -> asio::awaitable<void> {
    ++running;
    for (long long i = 0; !stop; ++i) {
      auto name = "k:" + std::to_string(w) + ":" + std::to_string(i);
      auto g = co_await lm.try_acquire(name, milliseconds(10000));
      if (!g || !*g) {
        ++errors;
        continue;
      }
      if (co_await lm.release(**g)) {
        ++pairs;
      } else {
        ++errors;
      }
    }
    --running;
  };
  // Warm-up (scripts loaded, connections busy), then measure.
  for (int w = 0; w < concurrency; ++w) asio::co_spawn(ex, worker(w), asio::detached);
  co_await sleep_for(std::chrono::seconds(1));
  long long start_pairs = pairs;
  auto start = Clock::now();
  co_await sleep_for(std::chrono::seconds(seconds));
  long long measured = pairs - start_pairs;
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  while (running > 0) co_await sleep_for(milliseconds(5));
  // CPU of this process per pair, over the whole run (warm-up included, as total_pairs is).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_us = 1e6 * (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
  std::printf("{\"bench\":\"locks\",\"impl\":\"ragcache_lock_manager\",\"concurrency\":%d,\"seconds\":%.2f,"
              "\"pairs\":%lld,\"errors\":%lld,\"pairs_per_s\":%.0f,\"total_pairs\":%lld,\"client_cpu_us_per_pair\":%.2f}\n",
              concurrency, elapsed, measured, errors, measured / elapsed, pairs, pairs > 0 ? cpu_us / pairs : 0.0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: cache_bench wakeup|locks <redis url> [...]\n");
    return 2;
  }
  asio::io_context io(1);
  asio::awaitable<void> job = args[0] == "wakeup"
                                  ? wakeup(args[1], args.size() > 2 ? std::stoi(args[2]) : 300,
                                           args.size() > 3 ? std::stoi(args[3]) : 16,
                                           args.size() > 4 ? std::stoi(args[4]) : 100)
                                  : locks(args[1], args.size() > 2 ? std::stoi(args[2]) : 5,
                                          args.size() > 3 ? std::stoi(args[3]) : 50,
                                          args.size() > 4 ? std::stoul(args[4]) : 1);
  int rc = 0;
  asio::co_spawn(io, std::move(job), [&](std::exception_ptr e) {
    if (e) rc = 1;
    io.stop();
  });
  io.run();
  return rc;
}
