// One "replica" for the multi-process tests of domain/cache, driven by its arguments. Prints one
// line per event on stdout (line-buffered), which the test reads from the log file.
//
//   cache_testbin leader <url> <prefix> <hash> <lease_ms> <compute_ms>
//       runs get_or_compute on CacheKey{hash}; prints "COMPUTING" when its compute starts and
//       "RESULT <role> <value>" at the end (the test kill -9s it mid-compute).
//   cache_testbin streamleader <url> <prefix> <hash> <lease_ms> <chunks>
//       leads a streaming flight: pushes "old-0".."old-<chunks-1>", prints "PUSHED", then hangs
//       (the test kill -9s it).
//   cache_testbin holder <url> <prefix> <hash> <ttl_ms> <go_file>
//       takes lock:rag:{hash} with a lease, prints "ACQUIRED <fence>", waits for go_file to exist
//       (the test SIGSTOPs it meanwhile), then tries a fenced store and a release and prints
//       "STORE ok|refused" and "RELEASE ok|not_owner".
//   cache_testbin setworker <url> <prefix> <worker> <tasks>
//       <tasks> coroutines each add "<worker>-<task>" to a shared set under the lock "jepsen"
//       (read, simulated latency, write); prints "ACK <element>" once its write succeeded.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "base/random.h"
#include "domain/cache/errors.h"
#include "domain/cache/exact_cache.h"
#include "domain/cache/lease.h"
#include "domain/cache/lock_manager.h"
#include "domain/cache/single_flight.h"
#include "support/scaled_client_options.h"

namespace asio = boost::asio;
using namespace ragcache;
using namespace ragcache::cache;
using std::chrono::milliseconds;

namespace {

asio::awaitable<void> sleep_ms(long ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(ms));
  co_await t.async_wait(asio::use_awaitable);
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

asio::awaitable<int> run_leader(redis::Client& client, std::string prefix, std::string hash, long lease_ms,
                                long compute_ms) {
  ExactCache cache(client, ExactCacheOptions{.key_prefix = prefix});
  SingleFlight flight(cache, SingleFlightOptions{.lease = milliseconds(lease_ms)});
  CacheKey key{"", hash, "canonical-" + hash};
  auto r = co_await flight.get_or_compute(key, [compute_ms]() -> asio::awaitable<Result<ComputeOutput>> {
    say("COMPUTING");
    co_await sleep_ms(compute_ms);
    co_return ComputeOutput{"from-helper"};
  });
  if (!r) {
    say("ERROR " + r.error().message());
    co_return 1;
  }
  say("RESULT " + std::string(to_string(r->role)) + " " + r->value);
  co_return 0;
}

asio::awaitable<int> run_stream_leader(redis::Client& client, std::string prefix, std::string hash, long lease_ms,
                                       int chunks) {
  ExactCache cache(client, ExactCacheOptions{.key_prefix = prefix});
  SingleFlight flight(cache, SingleFlightOptions{.lease = milliseconds(lease_ms)});
  CacheKey key{"", hash, "canonical-" + hash};
  auto r = co_await flight.get_or_compute_stream(
      key,
      [chunks](ChunkSink& sink) -> asio::awaitable<Result<void>> {
        for (int i = 0; i < chunks; ++i) co_await sink.push("old-" + std::to_string(i));
        say("PUSHED");
        co_await sleep_ms(60000);
        co_return Result<void>();
      },
      {});
  say(r ? "RESULT" : "ERROR " + r.error().message());
  co_return 0;
}

asio::awaitable<int> run_holder(redis::Client& client, std::string prefix, std::string hash, long ttl_ms,
                                std::string go_file) {
  ExactCache cache(client, ExactCacheOptions{.key_prefix = prefix, .l1_max_bytes = 0});
  LockManager locks(client, LockOptions{.key_prefix = prefix});
  auto grant = co_await locks.try_acquire(KeySchema::flight_lock_name(hash), milliseconds(ttl_ms));
  if (!grant || !*grant) {
    say("NOT_ACQUIRED");
    co_return 1;
  }
  auto lease = Lease::start(locks, **grant, [](const Error& e) { say("LEASE_LOST " + e.message()); });
  say("ACQUIRED " + std::to_string((*grant)->fence()));
  while (!std::filesystem::exists(go_file)) co_await sleep_ms(5);
  CacheKey key{"", hash, "canonical-" + hash};
  auto stored = co_await cache.store_fenced(key, "stale-answer", **grant);
  say(stored ? "STORE ok" : (stored.error().code == cache::Errc::not_owner ? "STORE refused" : "STORE error"));
  lease->stop();
  auto released = co_await locks.release(**grant);
  say(released ? "RELEASE ok" : (released.error().code == cache::Errc::not_owner ? "RELEASE not_owner" : "RELEASE error"));
  co_return 0;
}

asio::awaitable<void> set_task(LockManager& locks, redis::Client& client, std::string set_key, std::string element,
                               int& failures) {
  // A TTL the work between acquire and release must never outlast, even on a loaded machine.
  auto grant = co_await locks.acquire("jepsen", ragcache::testing::scaled(milliseconds(2000)),
                                      ragcache::testing::scaled(milliseconds(60000)));
  if (!grant) {
    say("FAIL acquire " + grant.error().message());
    ++failures;
    co_return;
  }
  auto lease = Lease::start(locks, *grant);
  auto current = co_await client.exec(redis::Command("GET", set_key));
  co_await sleep_ms(static_cast<long>(random_between(1, 8)));  // simulated work between read and write
  std::string next = (current && !current->is_nil()) ? current->str + "," + element : element;
  auto written = co_await client.exec(redis::Command("SET", set_key, next));
  lease->stop();
  auto released = co_await locks.release(*grant);
  if (written && released) {
    say("ACK " + element);
  } else {
    say("FAIL write " + element);
    ++failures;
  }
}

asio::awaitable<int> run_setworker(redis::Client& client, std::string prefix, std::string worker, int tasks) {
  LockManager locks(client, LockOptions{.key_prefix = prefix});
  const std::string set_key = prefix + "jepsen:set";
  int failures = 0;
  int finished = 0;
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < tasks; ++i) {
    asio::co_spawn(ex, set_task(locks, client, set_key, worker + "-" + std::to_string(i), failures),
                   [&](std::exception_ptr) { ++finished; });
  }
  while (finished < tasks) co_await sleep_ms(10);
  say("DONE");
  co_return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) {
    std::fprintf(stderr, "usage: cache_testbin leader|holder|setworker <url> <prefix> ...\n");
    return 2;
  }
  asio::io_context io;
  redis::ClientOptions options;
  options.url = args[1];
  // Started by the tests: the same budgets as theirs (support/time_scale.h, from the environment).
  auto client = redis::Client::create(io.get_executor(), ragcache::testing::with_scaled_timeouts(options));
  if (!client) {
    std::fprintf(stderr, "bad url: %s\n", client.error().message().c_str());
    return 2;
  }
  int rc = 2;
  asio::awaitable<int> job = [&]() -> asio::awaitable<int> { co_return 2; }();
  const std::string& mode = args[0];
  if (mode == "leader" && args.size() == 6) {
    job = run_leader(**client, args[2], args[3], std::stol(args[4]), std::stol(args[5]));
  } else if (mode == "streamleader" && args.size() == 6) {
    job = run_stream_leader(**client, args[2], args[3], std::stol(args[4]), std::stoi(args[5]));
  } else if (mode == "holder" && args.size() == 6) {
    job = run_holder(**client, args[2], args[3], std::stol(args[4]), args[5]);
  } else if (mode == "setworker" && args.size() == 5) {
    job = run_setworker(**client, args[2], args[3], std::stoi(args[4]));
  } else {
    std::fprintf(stderr, "bad arguments for %s\n", mode.c_str());
    return 2;
  }
  asio::co_spawn(io, std::move(job), [&](std::exception_ptr e, int r) {
    rc = e ? 3 : r;
    io.stop();
  });
  io.run();
  return rc;
}
