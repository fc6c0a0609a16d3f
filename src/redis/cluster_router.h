// Redis Cluster mode of Client (URL redis-cluster://h1:p1,h2:p2).
//
// Keeps a slot map (slot -> primary) from CLUSTER SLOTS and a connection pool per primary. Each
// command goes to the primary of its routing key's slot (command_routing.h); keyless commands go
// to any node. Topology changes are followed without surfacing errors where that is safe:
// what may be resent is decided by retry_policy.h:
// - -MOVED: the slot is re-pointed at once, a full refresh runs in the background, the command
//   is resent to the new owner.
// - -ASK (slot being migrated): ASKING + the command on the target node, once, map unchanged.
// - TRYAGAIN / CLUSTERDOWN / READONLY / LOADING, or a node refusing connections (the command was
//   not sent): refresh, short backoff, resend, until the command's deadline.
// - A connection lost or timed out with the command in flight: the outcome is unknown, so the
//   error is returned (never silently retried), and a refresh is started.
// The map is also refreshed periodically (ClusterRouter::kRefreshInterval).
// Pipelines are split per node (cluster_topology.h, group_pipeline), sent node by node, and the
// replies reassembled in the callers' order; redirected commands are resent one by one.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "redis/cluster_topology.h"
#include "redis/node_pool.h"
#include "redis/options.h"
#include "redis/refresh_gate.h"
#include "redis/router.h"
#include "redis/topology_url.h"

namespace ragcache::redis {

class ClusterRouter : public Router, public std::enable_shared_from_this<ClusterRouter> {
 public:
  static constexpr std::chrono::milliseconds kRefreshInterval{2000};
  // At most one on-error refresh per this interval (a burst of MOVED costs one CLUSTER SLOTS).
  static constexpr std::chrono::milliseconds kMinRefreshGap{50};

  static std::shared_ptr<ClusterRouter> create(boost::asio::any_io_executor ex, ClusterSpec spec,
                                               ClientOptions options);
  ~ClusterRouter() override;

  boost::asio::awaitable<Result<Reply>> exec(Command cmd, Connection::Timeout timeout) override;
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds,
                                                                   Connection::Timeout timeout) override;
  Endpoint endpoint_for(std::optional<std::string_view> routing_key) const override;
  bool connected() const override;
  void close() override;
  // False once close() ran (background refreshes stop).
  bool is_open() const;

  // Fetches the slot map now (also done lazily by the first command).
  boost::asio::awaitable<Result<void>> refresh();
  // Refreshes the slot map, then lists the primaries that own slots.
  boost::asio::awaitable<Result<std::vector<Endpoint>>> primaries() override;
  // The primaries the slot map knows now, without asking (for doctor and tests).
  std::vector<Endpoint> known_primaries() const;
  bool route_known() const override { return !known_primaries().empty(); }

  // Counters since creation (for metrics and tests).
  struct Stats {
    std::uint64_t moved = 0;     // -MOVED answers followed
    std::uint64_t ask = 0;       // -ASK answers followed
    std::uint64_t retries = 0;   // resends after TRYAGAIN/CLUSTERDOWN/READONLY/LOADING or a refused connection
    std::uint64_t refreshes = 0; // slot map fetches that succeeded
  };
  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  ClusterRouter(boost::asio::any_io_executor ex, ClusterSpec spec, ClientOptions options);

  std::shared_ptr<NodePool> node_for_key(std::optional<std::string_view> key) const;
  std::shared_ptr<NodePool> node_at(const NodeAddress& addr);
  void point_slot(std::uint16_t slot, std::shared_ptr<NodePool> node);
  void refresh_soon();
  boost::asio::awaitable<Result<void>> fetch_and_apply();
  Endpoint endpoint_of(const NodeAddress& addr) const;
  void start_periodic_refresh();

  boost::asio::any_io_executor executor_;
  ClusterSpec spec_;
  ClientOptions options_;

  mutable std::mutex mutex_;
  std::array<std::shared_ptr<NodePool>, 16384> slots_;
  std::map<std::string, std::shared_ptr<NodePool>> nodes_;  // by "host:port"
  RefreshGate gate_;
  bool closed_ = false;
  std::atomic<std::uint64_t> moved_{0}, ask_{0}, retries_{0}, refreshes_{0};
};

}  // namespace ragcache::redis
