// What each Client mode implements: one server (single_router.h), Redis Cluster
// (cluster_router.h) or Sentinel (sentinel_router.h). Client forwards every command here, so it
// has one code path and code written against Client works the same whatever the URL.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis/endpoint.h"
#include "redis/reply.h"

namespace ragcache::redis {

class Router {
 public:
  virtual ~Router() = default;
  virtual boost::asio::awaitable<Result<Reply>> exec(Command cmd, Connection::Timeout timeout) = 0;
  virtual boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds,
                                                                           Connection::Timeout timeout) = 0;
  // The server a connection of its own should go to (blocking reads, Pub/Sub), as known now.
  virtual Endpoint endpoint_for(std::optional<std::string_view> routing_key) const = 0;
  // Every primary of the deployment as known now (a cluster fetches its slot map first).
  virtual boost::asio::awaitable<Result<std::vector<Endpoint>>> primaries() = 0;
  // False while the router cannot yet say where a key lives (a cluster client made a moment ago
  // has no slot map yet): a connection taken then may go to a node that does not serve the key.
  virtual bool route_known() const { return true; }
  virtual bool connected() const = 0;
  // Closes every connection; pending commands fail with Errc::closed.
  virtual void close() = 0;
};

}  // namespace ragcache::redis
