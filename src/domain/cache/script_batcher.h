// Group commit for a Lua script that handles many independent items in one call.
//
// Concurrent callers each want the same script run for their own item (one lock to acquire, one
// to release). Each EVALSHA has a fixed cost on the server (dispatch, script lookup, setting up
// the Lua call, the reply) and on the client (one command, one reply, one wake-up), so items
// that are queued in the same moment travel together as ONE call that loops over them:
//
//   KEYS = the keys of item 1, then of item 2, ...   (keys_per_item each)
//   ARGV = the shared args, then the args of item 1, of item 2, ...   (args_per_item each)
//   reply = an array with one reply per item, in order (an error reply for one item fails only
//           that item: the script must decide each item on its own, as if it came alone)
//
// When a batch leaves: a call that finds no open batch opens one and posts its flush to the
// client's executor; every call made before that handler runs (typically the other coroutines
// resumed in the same turn of the io_context) joins the batch. No timer: a lone call goes out on
// the next turn, so latency does not grow. A batch that reaches max_items leaves at once (the
// connection writes it at once too), so with more callers than max_items several batches are in
// flight and Redis runs one while the client still prepares the next.
// Where: every key of one script call must be on one server and, on a Redis Cluster, in one
// slot. Items are therefore grouped by the slot of their first key on a cluster (each item's own
// keys must share that slot, as they would for a call of their own); on one server or behind
// Sentinel all items share one group.
//
// Thread-safe. Lifetime: the Client must outlive the batcher, and the batcher its calls.
// Cancellation: a call is not cancellable once made; it completes by the command timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "redis/client.h"

namespace ragcache::cache {

class ScriptBatcher {
 public:
  struct Shape {
    std::size_t keys_per_item = 1;
    std::size_t args_per_item = 0;
    std::size_t max_items = 64;  // bounds one script run (and so how long it blocks the server)
  };

  ScriptBatcher(redis::Client& client, const redis::Script& script, Shape shape,
                std::vector<std::string> shared_args = {});
  ~ScriptBatcher();
  ScriptBatcher(const ScriptBatcher&) = delete;
  ScriptBatcher& operator=(const ScriptBatcher&) = delete;

  // Runs the script for one item: its reply, or the error of its batch (connection lost,
  // timeout...) or of the item alone (Errc::server_error with the script's error text).
  // keys.size() must be keys_per_item and args.size() args_per_item (else Errc::invalid_argument).
  boost::asio::awaitable<Result<redis::Reply>> call(std::vector<std::string> keys, std::vector<std::string> args);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ragcache::cache
