// A real local Redis Cluster for tests: N primaries with R replicas each (default 3 + 3), every
// node a RedisServer (redis_server.h) with cluster mode on, on free ports, created with
// `redis-cli --cluster create ... --cluster-yes` and waited on until every node reports
// cluster_state:ok and every replica is in sync. Tests may kill -9 a primary (the cluster fails
// over after node_timeout_ms) and move slots between primaries while traffic runs.
//
// The synchronous helpers use hiredis and may be called from a thread other than the one running
// the test's io_context (e.g. resharding in the background under load).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/redis_server.h"

namespace ragcache::testing {

struct RedisClusterOptions {
  int primaries = 3;
  int replicas_per_primary = 1;
  int node_timeout_ms = 1000;  // cluster-node-timeout: small, so failover tests are fast
};

class RedisCluster {
 public:
  explicit RedisCluster(RedisClusterOptions options = {});
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  std::size_t size() const { return nodes_.size(); }
  RedisServer& node(std::size_t i) { return *nodes_.at(i); }
  int node_timeout_ms() const { return options_.node_timeout_ms; }

  // redis-cluster://127.0.0.1:<p1>,...: every node, so a client still finds one after a kill.
  std::string url() const;

  std::string node_id(std::size_t i) const;
  // Index of the node serving slot as primary, as a running node sees it (-1: unknown).
  int primary_of_slot(int slot) const;
  // Indexes of the running nodes that are primaries of at least one slot.
  std::vector<std::size_t> primaries() const;

  // Runs one command (RedisServer::command) on the primary that serves its key, argv[1]; a
  // command without a key goes to any running primary.
  std::string command(const std::vector<std::string>& argv) const;
  // Runs one command on every running primary (SCRIPT FLUSH, CONFIG SET, ...).
  void command_on_every_primary(const std::vector<std::string>& argv);

  // Waits until every running node reports cluster_state:ok, every slot is served by a running
  // primary, and every running replica's link to its primary is up. Throws after scaled(timeout).
  void wait_healthy(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // Moves one slot live from its current primary to node `to`: IMPORTING/MIGRATING, then MIGRATE
  // of its keys in batches of batch_keys with pause between batches (so clients see ASK), then
  // SETSLOT NODE everywhere. Returns the number of keys moved.
  std::size_t migrate_slot(int slot, std::size_t to, std::size_t batch_keys = 5,
                           std::chrono::milliseconds pause = std::chrono::milliseconds(20));

 private:
  RedisClusterOptions options_;
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace ragcache::testing
