// `ragcache hot`: the most asked questions of a namespace over the last hours, as a table.
//
//   ragcache hot [--namespace NS] [--window 24h] [--k 20] [--json] [--tenant T | --api-key K]
//
// Every tenant's questions by default (the operator's view); --tenant NAME or --api-key KEY
// (an --auth open caller's key) shows one tenant's.
//
// Reads the hot-question buckets (rag:hot:{ns}:<hour>) from the cache-role Redis:
// --cache-redis URL, else --redis URL (also RAGCACHE_CACHE_REDIS / RAGCACHE_REDIS), else
// redis://127.0.0.1:6379. --json prints the native API's body ({"questions":[...]}).
// Exit status: 0 on success (an empty ranking included), 1 on bad input or a Redis error.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli_runtime.h"
#include "app/commands.h"
#include "gateway/caller.h"
#include "domain/hot/hot_questions.h"
#include "redis/client.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;

struct HotCliOptions {
  std::string cache_redis;
  std::string redis;
  std::string ns = "default";
  std::string tenant;
  std::string api_key;
  std::string window = "24h";
  std::string k = "20";
  bool json = false;
};

std::string redis_url(const HotCliOptions& o) {
  if (!o.cache_redis.empty()) return o.cache_redis;
  if (!o.redis.empty()) return o.redis;
  return "redis://127.0.0.1:6379";
}

void print_table(const std::vector<hot::HotQuestion>& questions, const hot::HotQuery& q, const std::string& ns) {
  std::cout << "most asked in namespace " << ns << ", last " << q.window.count() << "h\n";
  if (questions.empty()) {
    std::cout << "(no questions recorded)\n";
    return;
  }
  std::printf("%4s  %8s  %s\n", "#", "count", "question");
  int rank = 0;
  for (const auto& h : questions) std::printf("%4d  %8lld  %s\n", ++rank, static_cast<long long>(h.count), h.question.c_str());
}

// The ranking the gateway records: "<tenant>:<namespace>", "*" for every tenant.
std::string scope_of(const HotCliOptions& o) {
  if (!o.tenant.empty()) return gateway::tenant_scoped_id(o.tenant, o.ns);
  if (!o.api_key.empty()) return gateway::tenant_scoped_id(gateway::open_tenant("Bearer " + o.api_key), o.ns);
  return gateway::tenant_scoped_id(gateway::kAllTenants, o.ns);
}

asio::awaitable<int> run(hot::HotQuestions& hot, const HotCliOptions& o, hot::HotQuery q) {
  auto top = co_await hot.top(scope_of(o), q.window, q.k);
  if (!top) {
    std::cerr << "ragcache hot: " << top.error().message() << "\n";
    co_return 1;
  }
  if (o.json) {
    std::cout << boost::json::serialize(hot::hot_to_json(*top)) << "\n";
  } else {
    print_table(*top, q, o.ns);
  }
  co_return 0;
}

int run_hot_command(const HotCliOptions& o) {
  auto query = hot::parse_hot_query(o.window, o.k);
  if (!query) {
    std::cerr << "ragcache hot: " << query.error().message() << "\n";
    return 1;
  }
  if (auto v = hot::validate_namespace(o.ns); !v) {
    std::cerr << "ragcache hot: " << v.error().message() << "\n";
    return 1;
  }
  asio::io_context io;
  auto client = make_cli_client(io, redis_url(o));
  if (!client) {
    std::cerr << "ragcache hot: " << client.error().message() << "\n";
    return 1;
  }
  hot::HotQuestions hot(**client);
  return run_to_completion(io, run(hot, o, *query));
}

}  // namespace

void add_hot_command(CLI::App& app) {
  auto o = std::make_shared<HotCliOptions>();
  auto* cmd = app.add_subcommand("hot", "Show the most asked questions (hot-question ranking)");
  cmd->add_option("--cache-redis", o->cache_redis, "Redis URL of the cache role")->envname("RAGCACHE_CACHE_REDIS");
  cmd->add_option("--redis", o->redis, "Redis URL for both roles (default redis://127.0.0.1:6379)")
      ->envname("RAGCACHE_REDIS");
  cmd->add_option("--namespace,-n", o->ns, "Cache namespace (X-Cache-Namespace)")->capture_default_str();
  cmd->add_option("--tenant", o->tenant, "One tenant's questions (an issued key's tenant)");
  cmd->add_option("--api-key", o->api_key, "One tenant's questions, as the key of an --auth open caller");
  cmd->add_option("--window,-w", o->window, "How far back: 24h, 7d, 90m (whole hours)")->capture_default_str();
  cmd->add_option("--k,-k", o->k, "How many questions")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print the native API's JSON instead of a table");
  cmd->callback([o] {
    const int rc = run_hot_command(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
