#include "domain/session/session_store.h"

#include <algorithm>
#include <chrono>

#include "domain/session/errors.h"
#include "domain/session/keys.h"
#include "domain/session/validation.h"
#include "redis/errors.h"
#include "ragcache/embedded_domain_session_lua.h"

namespace ragcache::session {
namespace {

namespace asio = boost::asio;

const redis::Script& append_script() {
  static const redis::Script script("session_append", embedded::domain_session_lua_append);
  return script;
}
const redis::Script& read_script() {
  static const redis::Script script("session_read", embedded::domain_session_lua_read);
  return script;
}
const redis::Script& set_fields_script() {
  static const redis::Script script("session_set_fields", embedded::domain_session_lua_set_fields);
  return script;
}
const redis::Script& delete_script() {
  static const redis::Script script("session_delete", embedded::domain_session_lua_delete);
  return script;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool is_noscript(const redis::Reply& r) { return r.is_error() && r.str.starts_with("NOSCRIPT"); }

// Result<bool> cannot take an Error implicitly (Error converts to bool too).
Result<bool> failed(Error e) { return Result<bool>(boost::system::in_place_error, std::move(e)); }

Error server_error(const redis::Reply& r) { return Error(redis::Errc::server_error, r.str); }

}  // namespace

std::vector<std::string> SessionStore::keys_of(const std::string& sid) const {
  return {session_log_key(prefix_, sid), session_meta_key(prefix_, sid)};
}

SessionStore::SessionStore(redis::Client& client, SessionOptions options, std::shared_ptr<const TokenCounter> counter,
                           std::string key_prefix)
    : client_(client),
      options_(options),
      counter_(counter ? std::move(counter) : estimate_token_counter()),
      prefix_(std::move(key_prefix)) {}

asio::awaitable<Result<AppendResult>> SessionStore::append(std::string sid, std::vector<Message> messages,
                                                           AppendLimits limits, std::string user_id) const {
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  if (!user_id.empty()) {
    if (auto ok = validate_user_id(user_id); !ok) co_return ok.error();
  }
  const auto now = now_ms();
  auto prepared = prepare_append(messages, options_, limits, *counter_, now);
  if (!prepared) co_return prepared.error();

  auto keys = keys_of(sid);
  std::vector<std::string> args;
  args.reserve(5 + 3 * prepared->messages.size());
  args.push_back(std::to_string(prepared->limits.max_messages));
  args.push_back(std::to_string(prepared->limits.max_tokens));
  args.push_back(std::to_string(prepared->limits.idle_ttl.count()));
  args.push_back(std::to_string(now));
  args.push_back(user_id);
  for (auto& m : prepared->messages) {
    args.push_back(std::move(m.id));
    args.push_back(std::to_string(m.tokens));
    args.push_back(std::move(m.json));
  }

  if (user_id.empty()) {
    auto reply = co_await client_.eval(append_script(), std::move(keys), std::move(args));
    if (!reply) co_return reply.error();
    co_return parse_append_reply(*reply);
  }

  // The user's index is in another slot: pipelined behind the script, in the same round trip.
  // It lives as long as the longest-lived of the user's sessions could.
  const auto index_ttl = std::max(prepared->limits.idle_ttl, options_.idle_ttl).count();
  const auto index_key = user_sessions_key(prefix_, user_id);
  std::vector<redis::Command> cmds;
  cmds.push_back(redis::evalsha_command(append_script(), keys, args));
  cmds.push_back(redis::Command("ZADD", index_key, now, sid));
  cmds.push_back(redis::Command("ZREMRANGEBYSCORE", index_key, "-inf", "(" + std::to_string(now - index_ttl)));
  cmds.push_back(redis::Command("ZREMRANGEBYRANK", index_key, 0,
                                -static_cast<std::int64_t>(std::max<std::size_t>(options_.max_sessions_per_user, 1)) - 1));
  cmds.push_back(redis::Command("PEXPIRE", index_key, index_ttl));
  auto replies = co_await client_.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (replies->size() != 5) co_return Error(redis::Errc::protocol_error, "append pipeline: wrong number of replies");
  const auto& first = (*replies)[0];
  if (is_noscript(first)) {
    // The server lost its script cache (restart, SCRIPT FLUSH): EVAL it once, which reloads it.
    auto reply = co_await client_.eval(append_script(), std::move(keys), std::move(args));
    if (!reply) co_return reply.error();
    co_return parse_append_reply(*reply);
  }
  if (first.is_error()) co_return server_error(first);
  co_return parse_append_reply(first);
}

asio::awaitable<Result<SessionWindow>> SessionStore::read(std::string sid) const {
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  // A transaction, not a script: the same single round trip and consistent view, but Redis
  // hands the messages straight back instead of copying each one into Lua and out again (a
  // script made a read of a 10-message window cost five times as much server CPU).
  // EXEC answers {messages, meta}: the shape parse_read_reply takes, as scripts/read.lua's.
  const auto keys = keys_of(sid);
  std::vector<redis::Command> cmds;
  cmds.emplace_back("MULTI");
  cmds.emplace_back("LRANGE", keys[0], 0, -1);
  cmds.emplace_back("HMGET", keys[1], "token_total", "resolved_context", "summary", "user", "created_ms",
                    "updated_ms", "version");
  cmds.emplace_back("EXEC");
  auto replies = co_await client_.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (replies->size() != 4) co_return Error(redis::Errc::protocol_error, "read pipeline: wrong number of replies");
  const auto& exec = replies->back();
  if (!exec.is_array()) {
    // The transaction was refused as a whole: in a cluster, the session's slot moving between
    // nodes (MOVED/ASK abort a transaction). The read script goes through the router's
    // redirect handling, and reads the same state the same way.
    auto reply = co_await client_.eval(read_script(), keys, std::vector<std::string>());
    if (!reply) co_return reply.error();
    co_return parse_read_reply(std::move(sid), *reply);
  }
  for (const auto& r : exec.elements) {
    if (r.is_error()) co_return server_error(r);
  }
  co_return parse_read_reply(std::move(sid), exec);
}

asio::awaitable<Result<void>> SessionStore::set_field(std::string sid, const char* field, std::string value) const {
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  if (auto ok = validate_context_value(field, value, options_); !ok) co_return ok.error();
  std::vector<std::string> args;
  args.push_back(std::to_string(options_.idle_ttl.count()));
  args.push_back(std::to_string(now_ms()));
  args.push_back(field);
  args.push_back(std::move(value));
  auto reply = co_await client_.eval(set_fields_script(), keys_of(sid), std::move(args));
  if (!reply) co_return reply.error();
  co_return Result<void>();
}

asio::awaitable<Result<void>> SessionStore::set_resolved_context(std::string sid, std::string value) const {
  co_return co_await set_field(std::move(sid), "resolved_context", std::move(value));
}

asio::awaitable<Result<void>> SessionStore::set_summary(std::string sid, std::string value) const {
  co_return co_await set_field(std::move(sid), "summary", std::move(value));
}

asio::awaitable<Result<bool>> SessionStore::remove(std::string sid) const {
  if (auto ok = validate_session_id(sid); !ok) co_return failed(ok.error());
  auto reply = co_await client_.eval(delete_script(), keys_of(sid), std::vector<std::string>());
  if (!reply) co_return failed(reply.error());
  if (!reply->is_array() || reply->elements.size() != 2) {
    co_return failed(Error(Errc::corrupt_state, "delete reply: " + reply->debug_string()));
  }
  auto deleted = reply->elements[0].as_integer();
  auto user = reply->elements[1].as_string();
  if (!deleted || !user) co_return failed(Error(Errc::corrupt_state, "delete reply: " + reply->debug_string()));
  if (!user->empty() && validate_user_id(*user)) {
    auto removed = co_await client_.exec(redis::Command("ZREM", user_sessions_key(prefix_, *user), sid));
    if (!removed) co_return failed(removed.error());
  }
  co_return *deleted > 0;
}

asio::awaitable<Result<std::vector<UserSession>>> SessionStore::list_user_sessions(std::string user_id,
                                                                                  std::size_t limit) const {
  if (auto ok = validate_user_id(user_id); !ok) co_return ok.error();
  if (limit == 0) co_return std::vector<UserSession>{};
  auto reply = co_await client_.exec(redis::Command("ZREVRANGE", user_sessions_key(prefix_, user_id), 0,
                                                    static_cast<std::int64_t>(limit) - 1, "WITHSCORES"));
  if (!reply) co_return reply.error();
  co_return parse_user_sessions_reply(*reply);
}

}  // namespace ragcache::session
