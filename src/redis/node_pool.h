// A pool of multiplexed connections to one server, used by the cluster and sentinel routers
// (one pool per cluster primary; one for the current Sentinel primary). Same balancing as the
// single-node Client: the least-loaded ready connection. Closes its connections when destroyed,
// so dropping the last reference to a node that left the topology disconnects from it.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <vector>

#include "redis/connection.h"
#include "redis/endpoint.h"
#include "redis/options.h"

namespace ragcache::redis {

class NodePool {
 public:
  NodePool(boost::asio::any_io_executor ex, Endpoint endpoint, const ConnectionOptions& options, std::size_t size);
  ~NodePool();
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  Connection& pick();
  bool connected() const;
  void close();
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Endpoint endpoint_;
  std::vector<std::shared_ptr<Connection>> pool_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> closed_{false};  // close() once: the destructor may run after the owner closed it
};

}  // namespace ragcache::redis
