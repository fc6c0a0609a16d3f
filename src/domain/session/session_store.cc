#include "domain/session/session_store.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_set>

#include "domain/session/errors.h"
#include "domain/session/keys.h"
#include "domain/session/validation.h"
#include "redis/cluster_router.h"
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
      prefix_(std::move(key_prefix)) {
  // A cluster takes a script's keys only from one slot, and a transaction's too: no grouping.
  const bool cluster = dynamic_cast<redis::ClusterRouter*>(client_.router()) != nullptr;
  if (cluster || options_.group_commit_max_batch == 0) return;
  const auto batch = options_.group_commit_max_batch;
  const auto in_flight = std::max<std::size_t>(options_.group_commit_in_flight, 1);
  AppendQueue::Send send_appends = [this](std::vector<AppendCall>& calls) { return this->send_appends(calls); };
  appends_ = std::make_shared<AppendQueue>(client_.executor(), std::move(send_appends), batch, in_flight);
  ReadQueue::Send send_reads = [this](std::vector<std::string>& sids) { return this->send_reads(sids); };
  reads_ = std::make_shared<ReadQueue>(client_.executor(), std::move(send_reads), batch, in_flight);
}

namespace {

// The append script's arguments for one session (scripts/append.lua): a header, then the messages.
void add_append_args(std::vector<std::string>& args, PreparedAppend& prepared, std::int64_t now,
                     const std::string& user_id) {
  args.push_back(std::to_string(prepared.messages.size()));
  args.push_back(std::to_string(prepared.limits.max_messages));
  args.push_back(std::to_string(prepared.limits.max_tokens));
  args.push_back(std::to_string(prepared.limits.idle_ttl.count()));
  args.push_back(std::to_string(now));
  args.push_back(user_id);
  for (auto& m : prepared.messages) {
    args.push_back(std::move(m.id));
    args.push_back(std::to_string(m.tokens));
    args.push_back(std::move(m.json));
  }
}

// The commands that read one window inside a transaction; EXEC answers {messages, meta} for
// them, the shape parse_read_reply takes (as scripts/read.lua's).
void add_read_commands(std::vector<redis::Command>& cmds, const std::string& log, const std::string& meta) {
  cmds.emplace_back("LRANGE", log, 0, -1);
  cmds.emplace_back("HMGET", meta, "token_total", "resolved_context", "summary", "user", "created_ms", "updated_ms",
                    "version");
}

// The window of the read commands that start at `first` in an EXEC reply (moved out of it).
Result<SessionWindow> window_at(redis::Reply& exec, std::size_t first, std::string sid) {
  for (std::size_t k = first; k < first + 2; ++k) {
    if (exec.elements[k].is_error()) return server_error(exec.elements[k]);
  }
  redis::Reply pair;
  pair.kind = redis::Reply::Kind::array;
  pair.elements.reserve(2);
  pair.elements.push_back(std::move(exec.elements[first]));
  pair.elements.push_back(std::move(exec.elements[first + 1]));
  return parse_read_reply(std::move(sid), pair);
}

// A run of calls that can share one transaction: when windows are read after the script, a
// session may appear only once in it (else its first caller would see the second's append).
struct AppendSegment {
  std::size_t begin = 0;
  std::size_t end = 0;
};

template <class Calls>
std::vector<AppendSegment> append_segments(const Calls& calls, bool windows) {
  std::vector<AppendSegment> out;
  std::unordered_set<std::string_view> in_segment;
  AppendSegment seg;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (windows && !in_segment.insert(calls[i].sid).second) {
      seg.end = i;
      out.push_back(seg);
      seg.begin = i;
      in_segment.clear();
      in_segment.insert(calls[i].sid);
    }
  }
  seg.end = calls.size();
  out.push_back(seg);
  return out;
}

}  // namespace

asio::awaitable<Result<AppendResult>> SessionStore::append(std::string sid, std::vector<Message> messages,
                                                           AppendLimits limits, std::string user_id) const {
  if (user_id.empty()) {
    auto outcome = co_await append_call(std::move(sid), std::move(messages), limits, false);
    if (!outcome) co_return outcome.error();
    co_return std::move(outcome->append);
  }
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  if (auto ok = validate_user_id(user_id); !ok) co_return ok.error();
  const auto now = now_ms();
  auto prepared = prepare_append(messages, options_, limits, *counter_, now);
  if (!prepared) co_return prepared.error();

  auto keys = keys_of(sid);
  std::vector<std::string> args;
  args.reserve(6 + 3 * prepared->messages.size());
  add_append_args(args, *prepared, now, user_id);

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
    co_return parse_append_item(*reply, 0, 1);
  }
  if (first.is_error()) co_return server_error(first);
  co_return parse_append_item(first, 0, 1);
}

asio::awaitable<Result<AppendedWindow>> SessionStore::append_and_read(std::string sid, std::vector<Message> messages,
                                                                     AppendLimits limits) const {
  auto outcome = co_await append_call(std::move(sid), std::move(messages), limits, true);
  if (!outcome) co_return outcome.error();
  if (!outcome->window) co_return Error(Errc::corrupt_state, "append_and_read: no window");
  co_return AppendedWindow{std::move(outcome->append), std::move(*outcome->window)};
}

asio::awaitable<Result<SessionStore::AppendOutcome>> SessionStore::append_call(std::string sid,
                                                                                std::vector<Message> messages,
                                                                                AppendLimits limits,
                                                                                bool with_window) const {
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  const auto now = now_ms();
  auto prepared = prepare_append(messages, options_, limits, *counter_, now);
  if (!prepared) co_return prepared.error();
  AppendCall call{std::move(sid), std::move(*prepared), now, with_window};
  if (appends_) co_return co_await appends_->submit(std::move(call));
  std::vector<AppendCall> one;
  one.push_back(std::move(call));
  auto results = co_await send_appends(one);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<Result<SessionStore::AppendOutcome>>> SessionStore::send_appends(
    std::vector<AppendCall>& calls) const {
  const Error not_sent(redis::Errc::protocol_error, "append: no reply");
  std::vector<Result<AppendOutcome>> out(calls.size(), Result<AppendOutcome>(not_sent));
  std::vector<std::string> keys;
  keys.reserve(2 * calls.size());
  bool windows = false;
  for (auto& c : calls) {
    keys.push_back(session_log_key(prefix_, c.sid));
    keys.push_back(session_meta_key(prefix_, c.sid));
    windows = windows || c.with_window;
  }
  std::vector<AppendSegment> segments = append_segments(calls, windows);
  std::vector<std::vector<std::string>> args(segments.size());
  for (std::size_t k = 0; k < segments.size(); ++k) {
    for (auto i = segments[k].begin; i < segments[k].end; ++i) add_append_args(args[k], calls[i].prepared, calls[i].now_ms, {});
  }
  const auto fill_appends = [&](const AppendSegment& seg, const redis::Reply& reply) {
    for (auto i = seg.begin; i < seg.end; ++i) {
      auto r = parse_append_item(reply, i - seg.begin, seg.end - seg.begin);
      if (r) {
        out[i] = AppendOutcome{std::move(*r), std::nullopt};
      } else {
        out[i] = r.error();
      }
    }
  };

  if (!windows) {
    auto reply = co_await client_.eval(append_script(), std::move(keys), std::move(args.front()));
    if (!reply) {
      for (auto& o : out) o = reply.error();
    } else {
      fill_appends(segments.front(), *reply);
    }
    co_return out;
  }

  // Per segment: MULTI, the script, the windows wanted, EXEC, so each window is the state its
  // own append left; all segments in one pipeline. The script goes as EVALSHA, or as EVAL when
  // the server has lost it (NOSCRIPT inside EXEC: the script did not run, so sending that
  // segment again appends nothing twice).
  std::vector<std::size_t> pending(segments.size());
  for (std::size_t k = 0; k < segments.size(); ++k) pending[k] = k;
  for (int attempt = 0; attempt < 2 && !pending.empty(); ++attempt) {
    std::vector<redis::Command> cmds;
    std::vector<std::size_t> exec_at;
    for (auto k : pending) {
      const auto& seg = segments[k];
      std::vector<std::string> seg_keys(keys.begin() + 2 * seg.begin, keys.begin() + 2 * seg.end);
      cmds.emplace_back("MULTI");
      if (attempt == 0) {
        cmds.push_back(redis::evalsha_command(append_script(), seg_keys, args[k]));
      } else {
        cmds.push_back(redis::eval_command(append_script(), seg_keys, args[k]));
      }
      for (auto i = seg.begin; i < seg.end; ++i) {
        if (calls[i].with_window) add_read_commands(cmds, keys[2 * i], keys[2 * i + 1]);
      }
      cmds.emplace_back("EXEC");
      exec_at.push_back(cmds.size() - 1);
    }
    auto replies = co_await client_.exec_pipeline(std::move(cmds));
    std::vector<std::size_t> again;
    for (std::size_t p = 0; p < pending.size(); ++p) {
      const auto& seg = segments[pending[p]];
      if (!replies || replies->size() <= exec_at[p]) {
        const Error e = replies ? not_sent : replies.error();
        for (auto i = seg.begin; i < seg.end; ++i) out[i] = e;
        continue;
      }
      auto& exec = (*replies)[exec_at[p]];
      if (!exec.is_array()) {
        // Refused as a whole (a cluster slot moving: MOVED/ASK abort a transaction, and the
        // script did not run): the append alone, then the read, each with redirect handling.
        for (auto i = seg.begin; i < seg.end; ++i) out[i] = co_await append_then_read(calls[i]);
        continue;
      }
      const std::size_t reads = 2 * static_cast<std::size_t>(std::count_if(
          calls.begin() + seg.begin, calls.begin() + seg.end, [](const AppendCall& c) { return c.with_window; }));
      if (exec.elements.size() != 1 + reads) {
        for (auto i = seg.begin; i < seg.end; ++i) out[i] = Error(redis::Errc::protocol_error, "append transaction: wrong number of replies");
        continue;
      }
      const auto& script_reply = exec.elements[0];
      if (attempt == 0 && is_noscript(script_reply)) {
        again.push_back(pending[p]);
        continue;
      }
      if (script_reply.is_error()) {
        for (auto i = seg.begin; i < seg.end; ++i) out[i] = server_error(script_reply);
        continue;
      }
      fill_appends(seg, script_reply);
      std::size_t next = 1;
      for (auto i = seg.begin; i < seg.end; ++i) {
        if (!calls[i].with_window) continue;
        auto window = window_at(exec, next, calls[i].sid);
        next += 2;
        if (!out[i]) continue;
        if (!window) {
          out[i] = window.error();
        } else {
          out[i]->window = std::move(*window);
        }
      }
    }
    pending = std::move(again);
  }
  co_return out;
}

asio::awaitable<Result<SessionStore::AppendOutcome>> SessionStore::append_then_read(AppendCall call) const {
  const bool wanted = call.with_window;
  std::vector<AppendCall> one;
  one.push_back(std::move(call));
  one.front().with_window = false;
  auto appended = co_await send_appends(one);
  auto result = std::move(appended.front());
  if (!result || !wanted) co_return result;
  auto window = co_await read_alone(one.front().sid);
  if (!window) co_return window.error();
  result->window = std::move(*window);
  co_return result;
}

asio::awaitable<Result<SessionWindow>> SessionStore::read(std::string sid) const {
  if (auto ok = validate_session_id(sid); !ok) co_return ok.error();
  if (reads_) co_return co_await reads_->submit(std::move(sid));
  co_return co_await read_alone(std::move(sid));
}

asio::awaitable<Result<SessionWindow>> SessionStore::read_alone(std::string sid) const {
  std::vector<std::string> one;
  one.push_back(std::move(sid));
  auto results = co_await send_reads(one);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<Result<SessionWindow>>> SessionStore::send_reads(std::vector<std::string>& sids) const {
  // A transaction, not a script: the same single round trip and consistent view, but Redis
  // hands the messages straight back instead of copying each one into Lua and out again (a
  // script made a read of a 10-message window cost five times as much server CPU).
  std::vector<redis::Command> cmds;
  cmds.reserve(2 + 2 * sids.size());
  cmds.emplace_back("MULTI");
  for (const auto& sid : sids) add_read_commands(cmds, session_log_key(prefix_, sid), session_meta_key(prefix_, sid));
  cmds.emplace_back("EXEC");
  std::vector<Result<SessionWindow>> out;
  out.reserve(sids.size());
  auto replies = co_await client_.exec_pipeline(std::move(cmds));
  if (!replies || replies->back().elements.size() != 2 * sids.size()) {
    if (replies && !replies->back().is_array()) {
      // The transaction was refused as a whole: in a cluster, the session's slot moving between
      // nodes (MOVED/ASK abort a transaction). The read script goes through the router's
      // redirect handling, and reads the same state the same way.
      for (auto& sid : sids) {
        auto reply = co_await client_.eval(read_script(), keys_of(sid), std::vector<std::string>());
        if (!reply) {
          out.emplace_back(reply.error());
        } else {
          out.push_back(parse_read_reply(std::move(sid), *reply));
        }
      }
      co_return out;
    }
    const Error e = replies ? Error(redis::Errc::protocol_error, "read transaction: wrong number of replies")
                            : replies.error();
    for (std::size_t i = 0; i < sids.size(); ++i) out.emplace_back(e);
    co_return out;
  }
  auto& exec = replies->back();
  for (std::size_t i = 0; i < sids.size(); ++i) out.push_back(window_at(exec, 2 * i, std::move(sids[i])));
  co_return out;
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
