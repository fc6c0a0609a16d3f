// `ragcache doctor`: checks the Redis server of each role against what ragcache needs from it
// (redis/doctor_checks.h: persistence, eviction policy, maxmemory, big keys, keys without TTL,
// TTL clustering, latency, version) and prints a report.
//
//   ragcache doctor --redis redis://127.0.0.1:6379            one server for both roles
//   ragcache doctor --cache-redis URL --state-redis URL --json
//
// URLs may be redis://, rediss://, unix://, redis-cluster:// (every primary is examined) or
// redis-sentinel:// (the current primary). Exit status: 0 when nothing is a problem (warnings
// allowed), 1 when a problem was found or a server could not be examined, 2 on bad usage.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "app/commands.h"
#include "redis/doctor_probe.h"
#include "redis/doctor_report.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;

struct DoctorOptions {
  std::string redis;
  std::string cache_redis;
  std::string state_redis;
  bool json = false;
  std::size_t sample_keys = 2000;
};

int run_doctor(const DoctorOptions& options) {
  const std::string cache_url = options.cache_redis.empty() ? options.redis : options.cache_redis;
  const std::string state_url = options.state_redis.empty() ? options.redis : options.state_redis;
  if (cache_url.empty() && state_url.empty()) {
    std::cerr << "ragcache doctor: give --redis URL (both roles) or --cache-redis / --state-redis\n";
    return 2;
  }
  redis::ProbeOptions probe;
  probe.max_keys = options.sample_keys;
  std::vector<redis::RoleReport> reports;
  asio::io_context io;
  auto work = [&]() -> asio::awaitable<void> {
    if (!cache_url.empty()) {
      auto cache = co_await redis::examine(io.get_executor(), redis::RedisRole::cache, cache_url, probe);
      reports.insert(reports.end(), cache.begin(), cache.end());
    }
    if (!state_url.empty()) {
      auto state = co_await redis::examine(io.get_executor(), redis::RedisRole::state, state_url, probe);
      reports.insert(reports.end(), state.begin(), state.end());
    }
  };
  bool finished = false;
  std::exception_ptr failure;
  asio::co_spawn(io, work(), [&](std::exception_ptr e) {
    finished = true;
    failure = e;
  });
  // Each command has its own deadline; stop the context once the report is in even if background
  // topology refreshes still have timers queued.
  while (!finished && io.run_one() > 0) {
  }
  if (!finished) {
    std::cerr << "ragcache doctor: stopped before the report was complete\n";
    return 1;
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cerr << "ragcache doctor: " << e.what() << "\n";
    }
    return 1;
  }
  std::cout << (options.json ? redis::render_json(reports) + "\n" : redis::render_text(reports)) << std::flush;
  return redis::report_has_problem(reports) ? 1 : 0;
}

}  // namespace

void add_doctor_command(CLI::App& app) {
  auto options = std::make_shared<DoctorOptions>();
  auto* cmd = app.add_subcommand("doctor", "Check the Redis servers of each role (exit 1 on a problem)");
  cmd->add_option("--redis", options->redis, "Redis URL for both roles")->envname("RAGCACHE_REDIS");
  cmd->add_option("--cache-redis", options->cache_redis, "Redis URL of the cache role (RDB, eviction, TTLs)")
      ->envname("RAGCACHE_CACHE_REDIS");
  cmd->add_option("--state-redis", options->state_redis, "Redis URL of the state role (AOF, noeviction)")
      ->envname("RAGCACHE_STATE_REDIS");
  cmd->add_flag("--json", options->json, "Print the report as JSON");
  cmd->add_option("--sample-keys", options->sample_keys, "ragcache keys to sample per server")
      ->check(CLI::Range(1, 1000000));
  cmd->callback([options] {
    const int rc = run_doctor(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
