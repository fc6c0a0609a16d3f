// Session state: multi-turn chat history kept in Redis as an atomic sliding window.
//
// A session is two keys with the hash tag {sid} (one cluster slot):
//   session:{sid}:log   List, the window's messages as compact JSON (message.h), oldest first
//   session:{sid}:meta  Hash, token_total, count, version, resolved_context, summary, user,
//                       created_ms / updated_ms, ttl_ms, and m:<id> = tokens for each message of
//                       the window (the id index that makes retries safe; bounded like the window)
// and, when appends name a user, an index of the user's sessions by last activity:
//   user:{uid}:sessions Sorted Set, sid -> last activity (Unix ms); trimmed to
//                       SessionOptions::max_sessions_per_user, stale entries dropped, with a TTL.
//
// append() is one round trip: a Lua script (scripts/append.lua) pushes the messages, skips ids
// already in the window (so a retry after a timeout never duplicates), trims the oldest messages
// while count > max_messages or tokens > max_tokens (keeping the newest), refreshes the idle TTL of
// both keys and returns what it did. The user index lives in another slot, so it is updated by
// separate commands pipelined behind the script, never inside it.
// read() is one round trip too (MULTI, LRANGE, HMGET, EXEC; scripts/read.lua when a cluster
// slot moves), and sees one consistent state. append_and_read() does both in one round trip
// and one transaction (a chat turn: append the user message, then append the answer and get
// the window the next request needs).
//
// Group commit (group_commit.h; opt-in, SessionOptions::group_commit_max_batch, see there why it
// is off by default): on one server (not a Redis Cluster, where a script's keys must
// share a slot), the appends of concurrent callers that arrive together go to Redis as ONE call
// of the append script covering all their sessions (each still atomic on its own, a failing one
// alone in failing), and concurrent reads as one transaction. Appends that name a user (their
// user index is updated beside the script) and all calls on a cluster go one by one.
//
// Inputs are checked (validation.h) before any Redis call: a bad input is an Error and nothing
// is written. Redis errors come back as redis::Errc (timeout and connection_lost: the append may
// or may not have happened; retrying with the same message ids is safe).
//
// Thread-safety: const after construction; any number of concurrent calls from any threads.
// Lifetime: the redis::Client and the TokenCounter must outlive the store and its calls.
// Cancellation: calls are not cancellable; each completes by the client's command timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/session/group_commit.h"
#include "domain/session/message.h"
#include "domain/session/options.h"
#include "domain/session/session_replies.h"
#include "domain/session/session_window.h"
#include "domain/session/token_counter.h"
#include "domain/session/validation.h"
#include "redis/client.h"

namespace ragcache::session {

// An append's result and the window right after it, read in the same atomic step.
struct AppendedWindow {
  AppendResult append;
  SessionWindow window;
};

class SessionStore {
 public:
  // client: the state-role Redis (docs/architecture.md: AOF, noeviction). counter: counts tokens of messages
  // that carry no content_tokens. key_prefix: prepended to every key (tests, shared servers).
  SessionStore(redis::Client& client, SessionOptions options = {},
               std::shared_ptr<const TokenCounter> counter = estimate_token_counter(), std::string key_prefix = {});
  // Its group-commit queues call back into it: it stays where it was made.
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Appends messages (1..max_messages_per_call) to session `sid` and trims the window; limits
  // overrides the window limits for this call. user_id (optional): the session's owner, recorded
  // on the first append and indexed in user:{uid}:sessions.
  boost::asio::awaitable<Result<AppendResult>> append(std::string sid, std::vector<Message> messages,
                                                      AppendLimits limits = {}, std::string user_id = {}) const;

  // The window and its meta; a session that does not exist reads as empty (exists() false).
  boost::asio::awaitable<Result<SessionWindow>> read(std::string sid) const;

  // append() and then read(), as one atomic step in one round trip: the window is exactly the
  // state this append left (another caller's later append is not in it). For the gateway's turn:
  // read the window for the request, then append_and_read(user message + answer) to have the
  // next turn's window without another read.
  boost::asio::awaitable<Result<AppendedWindow>> append_and_read(std::string sid, std::vector<Message> messages,
                                                                 AppendLimits limits = {}) const;

  // Sets the coreference-resolved background of the conversation / the free summary field.
  // Counts as activity (both keys' idle TTL restarts). Creates the meta if the session is new.
  boost::asio::awaitable<Result<void>> set_resolved_context(std::string sid, std::string value) const;
  boost::asio::awaitable<Result<void>> set_summary(std::string sid, std::string value) const;

  // Deletes the session and drops it from its owner's index. True if it existed.
  boost::asio::awaitable<Result<bool>> remove(std::string sid) const;

  // The user's sessions, most recently active first, at most `limit`.
  boost::asio::awaitable<Result<std::vector<UserSession>>> list_user_sessions(std::string user_id,
                                                                             std::size_t limit = 100) const;

  const SessionOptions& options() const { return options_; }
  const TokenCounter& counter() const { return *counter_; }

 private:
  // One session's share of an append script call.
  struct AppendCall {
    std::string sid;
    PreparedAppend prepared;
    std::int64_t now_ms = 0;
    bool with_window = false;  // append_and_read: read the window in the same transaction
  };
  struct AppendOutcome {
    AppendResult append;
    std::optional<SessionWindow> window;  // with_window only
  };
  using AppendQueue = GroupCommit<AppendCall, AppendOutcome>;
  using ReadQueue = GroupCommit<std::string, SessionWindow>;

  std::vector<std::string> keys_of(const std::string& sid) const;  // {log, meta}
  // Checks and encodes an append (validation.h) and sends it: grouped, or alone on a cluster.
  boost::asio::awaitable<Result<AppendOutcome>> append_call(std::string sid, std::vector<Message> messages,
                                                            AppendLimits limits, bool with_window) const;
  // One Redis call for all of `calls` (one script run; MULTI/EXEC around it when a window is
  // wanted), one result per call. A cluster sends one call at a time.
  boost::asio::awaitable<std::vector<Result<AppendOutcome>>> send_appends(std::vector<AppendCall>& calls) const;
  // One transaction reading all of the windows.
  boost::asio::awaitable<std::vector<Result<SessionWindow>>> send_reads(std::vector<std::string>& sids) const;
  boost::asio::awaitable<Result<SessionWindow>> read_alone(std::string sid) const;
  // When a transaction was refused (a cluster slot moving): the append, then the read.
  boost::asio::awaitable<Result<AppendOutcome>> append_then_read(AppendCall call) const;
  boost::asio::awaitable<Result<void>> set_field(std::string sid, const char* field, std::string value) const;

  redis::Client& client_;
  SessionOptions options_;
  std::shared_ptr<const TokenCounter> counter_;
  std::string prefix_;
  std::shared_ptr<AppendQueue> appends_;  // null: no group commit (a cluster, or turned off)
  std::shared_ptr<ReadQueue> reads_;
};

}  // namespace ragcache::session
