// `ragcache session show|list|delete`: look at and remove session state in the state-role Redis.
//
//   ragcache session show SID [--json]    the window (messages, tokens, resolved context, meta)
//   ragcache session list UID [--limit N] a user's sessions, most recently active first
//   ragcache session delete SID           delete a session (and drop it from its user's index)
//
// A session made through the gateway belongs to a tenant: name it with --tenant NAME (an issued
// key's tenant) or --api-key KEY (the caller's key under --auth open); without either, SID is
// the session's id as the library stored it.
//
// The server: --state-redis URL, else --redis URL (also RAGCACHE_STATE_REDIS / RAGCACHE_REDIS),
// else redis://127.0.0.1:6379. Exit status: 0 on success; 1 when the session does not exist
// (show, delete: "session SID not found" on stderr, nothing on stdout) or on any other error
// (message on stderr); CLI11's own non-zero codes for bad flags.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli_runtime.h"
#include "app/commands.h"
#include "domain/session/session_store.h"
#include "gateway/caller.h"
#include "redis/client.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;

struct SessionCliOptions {
  std::string state_redis;
  std::string redis;
  std::string action;  // show | list | delete
  std::string id;      // session id (show, delete) or user id (list)
  std::string tenant;
  std::string api_key;
  bool json = false;
  std::size_t limit = 100;
};

std::string redis_url(const SessionCliOptions& o) {
  if (!o.state_redis.empty()) return o.state_redis;
  if (!o.redis.empty()) return o.redis;
  return "redis://127.0.0.1:6379";
}

std::string iso_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void print_window(const session::SessionWindow& w) {
  std::cout << "session      " << w.session_id << "\n"
            << "user         " << w.user_id.value_or("-") << "\n"
            << "messages     " << w.messages.size() << " (" << w.token_total << " tokens)\n"
            << "created      " << iso_time(w.created_ms) << "\n"
            << "updated      " << iso_time(w.updated_ms) << "\n"
            << "appends      " << w.version << "\n"
            << "context      " << w.resolved_context.value_or("-") << "\n"
            << "summary      " << w.summary.value_or("-") << "\n";
  for (const auto& m : w.messages) {
    std::cout << "\n[" << m.role << (m.name ? " " + *m.name : std::string()) << "] " << m.id << ", " << m.tokens
              << " tokens, " << iso_time(m.time_ms) << "\n"
              << m.content << "\n";
  }
}

int not_found(const std::string& sid) {
  std::cerr << "session " << sid << " not found\n";
  return 1;
}

asio::awaitable<int> run(const session::SessionStore& store, const SessionCliOptions& o) {
  if (o.action == "show") {
    auto w = co_await store.read(o.id);
    if (!w) {
      std::cerr << "ragcache session show: " << w.error().message() << "\n";
      co_return 1;
    }
    if (!w->exists()) co_return not_found(o.id);
    if (o.json) {
      std::cout << boost::json::serialize(w->to_json()) << "\n";
    } else {
      print_window(*w);
    }
    co_return 0;
  }
  if (o.action == "list") {
    auto list = co_await store.list_user_sessions(o.id, o.limit);
    if (!list) {
      std::cerr << "ragcache session list: " << list.error().message() << "\n";
      co_return 1;
    }
    for (const auto& s : *list) std::cout << s.session_id << "\t" << iso_time(s.last_activity_ms) << "\n";
    co_return 0;
  }
  auto removed = co_await store.remove(o.id);
  if (!removed) {
    std::cerr << "ragcache session delete: " << removed.error().message() << "\n";
    co_return 1;
  }
  if (!*removed) co_return not_found(o.id);
  std::cout << "deleted " << o.id << "\n";
  co_return 0;
}

// The id the store knows: the gateway's sessions are "<tenant>:<X-Session-Id>".
std::string stored_id(const SessionCliOptions& o) {
  if (!o.tenant.empty()) return gateway::tenant_scoped_id(o.tenant, o.id);
  if (!o.api_key.empty()) return gateway::tenant_scoped_id(gateway::open_tenant("Bearer " + o.api_key), o.id);
  return o.id;
}

int run_session_command(SessionCliOptions o) {
  if (!o.tenant.empty() && !o.api_key.empty()) {
    std::cerr << "ragcache session: give --tenant or --api-key, not both\n";
    return 1;
  }
  if (o.action != "list") o.id = stored_id(o);
  asio::io_context io;
  auto client = make_cli_client(io, redis_url(o));
  if (!client) {
    std::cerr << "ragcache session: " << client.error().message() << "\n";
    return 1;
  }
  session::SessionStore store(**client);
  return run_to_completion(io, run(store, o));
}

}  // namespace

void add_session_command(CLI::App& app) {
  auto o = std::make_shared<SessionCliOptions>();
  auto* cmd = app.add_subcommand("session", "Show, list or delete chat sessions in the state Redis");
  cmd->require_subcommand(1);
  cmd->add_option("--state-redis", o->state_redis, "Redis URL of the state role (sessions)")
      ->envname("RAGCACHE_STATE_REDIS");
  cmd->add_option("--tenant", o->tenant, "The session's tenant (an issued key's tenant)");
  cmd->add_option("--api-key", o->api_key, "The session's tenant as the key of an --auth open caller");
  cmd->add_option("--redis", o->redis, "Redis URL for both roles (default redis://127.0.0.1:6379)")
      ->envname("RAGCACHE_REDIS");

  auto* show = cmd->add_subcommand("show", "Print a session's window: messages, tokens, resolved context");
  show->add_option("session_id", o->id, "Session id")->required();
  show->add_flag("--json", o->json, "Print the native API's JSON instead of text");
  show->callback([o] { o->action = "show"; });

  auto* list = cmd->add_subcommand("list", "List a user's sessions, most recently active first");
  list->add_option("user_id", o->id, "User id")->required();
  list->add_option("--limit", o->limit, "At most this many sessions")->check(CLI::Range(1, 100000));
  list->callback([o] { o->action = "list"; });

  auto* del = cmd->add_subcommand("delete", "Delete a session");
  del->add_option("session_id", o->id, "Session id")->required();
  del->callback([o] { o->action = "delete"; });
  // --redis / --state-redis may also follow the action (`session show SID --redis URL`).
  for (auto* action : {show, list, del}) action->fallthrough();

  cmd->callback([o] {
    const int rc = run_session_command(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
