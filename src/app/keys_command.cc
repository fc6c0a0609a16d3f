// `ragcache keys`: the API keys a gateway with `--auth keys` accepts.
//
//   ragcache keys create --tenant T [--requests-per-minute N] [--tokens-per-minute N]
//                        [--tokens-per-day N]     prints the new key (the secret, once) as JSON
//   ragcache keys list [--json]                   every key: id, tenant, limits, revoked
//   ragcache keys revoke ID                       every gateway refuses it within 2 s
//
// Keys live in the state-role Redis (--state-redis, or --redis; also RAGCACHE_STATE_REDIS /
// RAGCACHE_REDIS; default redis://127.0.0.1:6379). Exit status: 0 on success, 4 revoke: no such
// key, 1 on bad input or any error (message on stderr).
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli_runtime.h"
#include "app/commands.h"
#include "domain/auth/key_store.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

struct KeysCliOptions {
  std::string state_redis;
  std::string redis;
  std::string action;
  std::string tenant;
  std::string id;
  auth::KeyLimits limits;
  bool json = false;
};

int failed(const std::string& what, const Error& e) {
  std::cerr << "ragcache keys " << what << ": " << e.message() << "\n";
  return 1;
}

asio::awaitable<int> run(auth::KeyStore& keys, const KeysCliOptions& o) {
  if (o.action == "create") {
    auto created = co_await keys.create(o.tenant, o.limits);
    if (!created) co_return failed("create", created.error());
    json::object out = auth::to_json(created->record);
    out["key"] = created->secret;
    std::cout << json::serialize(out) << "\n";
    co_return 0;
  }
  if (o.action == "list") {
    auto all = co_await keys.list();
    if (!all) co_return failed("list", all.error());
    for (const auto& r : *all) {
      if (o.json) {
        std::cout << json::serialize(auth::to_json(r)) << "\n";
      } else {
        std::cout << r.id << "  " << r.tenant << (r.revoked ? "  revoked" : "") << "  rpm=" << r.limits.requests_per_minute
                  << " tpm=" << r.limits.tokens_per_minute << " tpd=" << r.limits.tokens_per_day << "\n";
      }
    }
    co_return 0;
  }
  auto revoked = co_await keys.revoke(o.id);
  if (!revoked) co_return failed("revoke", revoked.error());
  if (!*revoked) {
    std::cerr << "ragcache keys revoke: no API key '" << o.id << "'\n";
    co_return 4;
  }
  std::cout << "revoked " << o.id << "\n";
  co_return 0;
}

int run_keys_command(const KeysCliOptions& o) {
  const std::string url = !o.state_redis.empty() ? o.state_redis : !o.redis.empty() ? o.redis : "redis://127.0.0.1:6379";
  asio::io_context io;
  auto client = make_cli_client(io, url);
  if (!client) return failed(o.action, client.error());
  auth::KeyStore keys(**client);
  return run_to_completion(io, run(keys, o));
}

}  // namespace

void add_keys_command(CLI::App& app) {
  auto o = std::make_shared<KeysCliOptions>();
  auto* cmd = app.add_subcommand("keys", "API keys for `serve --auth keys`: create, list, revoke");
  cmd->require_subcommand(1);
  cmd->add_option("--state-redis", o->state_redis, "Redis URL of the state role")->envname("RAGCACHE_STATE_REDIS");
  cmd->add_option("--redis", o->redis, "Redis URL for both roles (default redis://127.0.0.1:6379)")
      ->envname("RAGCACHE_REDIS");

  auto* create = cmd->add_subcommand("create", "Issue a key (prints it once, as JSON)");
  create->add_option("--tenant", o->tenant, "Tenant the key reaches (1-48 of [A-Za-z0-9_.-])")->required();
  create->add_option("--requests-per-minute", o->limits.requests_per_minute, "0: the gateway's default")
      ->check(CLI::NonNegativeNumber);
  create->add_option("--tokens-per-minute", o->limits.tokens_per_minute, "0: the gateway's default")
      ->check(CLI::NonNegativeNumber);
  create->add_option("--tokens-per-day", o->limits.tokens_per_day, "0: the gateway's default")
      ->check(CLI::NonNegativeNumber);
  create->callback([o] { o->action = "create"; });

  auto* list = cmd->add_subcommand("list", "Every key (never its secret)");
  list->add_flag("--json", o->json, "One JSON object per line");
  list->callback([o] { o->action = "list"; });

  auto* revoke = cmd->add_subcommand("revoke", "Revoke a key by its id");
  revoke->add_option("id", o->id, "Key id (key_...)")->required();
  revoke->callback([o] { o->action = "revoke"; });

  cmd->callback([o] {
    const int rc = run_keys_command(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
