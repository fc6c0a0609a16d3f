// Dedicated Redis connections for blocking reads (XREAD BLOCK), kept for reuse.
//
// Blocking commands must not run on the client's multiplexed pool (they would stall every
// command queued behind them), and opening a connection per wait costs a handshake. Only one
// blocking read per key per process is ever in flight (see SignalHub and SingleFlight), so a few
// idle connections cover the steady state. Thread-safe. The Client must outlive the pool.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "redis/client.h"

namespace ragcache::redis {

class BlockingPool {
 public:
  explicit BlockingPool(Client& client, std::size_t max_idle = 16) : client_(client), max_idle_(max_idle) {}

  // A connection to the server that holds routing_key (the key the blocking read is about): on
  // a cluster each key's stream lives on its slot's primary, so an idle connection is reused
  // only if it goes there. After an error reply (e.g. MOVED once the slot moved) drop the
  // connection instead of giving it back, and take a new one.
  std::unique_ptr<DedicatedConnection> take(std::string_view routing_key);
  // False while a cluster client has no slot map yet (it arrives a moment after the client is
  // made): a connection taken then goes to a seed node, which may not serve the key.
  bool route_known() const;

  // Keeps the connection for the next take() unless enough are idle already (then closes it).
  void give_back(std::unique_ptr<DedicatedConnection> conn);

  Client& client() const { return client_; }

 private:
  Client& client_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<DedicatedConnection>> idle_;
};

}  // namespace ragcache::redis
