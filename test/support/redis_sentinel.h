// A real local Sentinel set for tests: a primary, one replica and three sentinels (quorum 2)
// monitoring it as "mymaster", with a short down-after time so failover tests are fast.
// The data nodes are RedisServers (redis_server.h); sentinels are `redis-server <conf> --sentinel`
// processes on free ports with their config in a temporary directory.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/redis_server.h"

namespace ragcache::testing {

struct RedisSentinelOptions {
  std::string master_name = "mymaster";
  int down_after_ms = 1000;
  int failover_timeout_ms = 5000;
  int sentinels = 3;
};

class RedisSentinelSet {
 public:
  explicit RedisSentinelSet(RedisSentinelOptions options = {});
  ~RedisSentinelSet();
  RedisSentinelSet(const RedisSentinelSet&) = delete;
  RedisSentinelSet& operator=(const RedisSentinelSet&) = delete;

  // redis-sentinel://127.0.0.1:<s1>,127.0.0.1:<s2>,127.0.0.1:<s3>/mymaster
  std::string url() const;
  const std::string& master_name() const { return options_.master_name; }
  int down_after_ms() const { return options_.down_after_ms; }

  // Data node i (0 = the initial primary, 1 = the initial replica).
  RedisServer& node(std::size_t i) { return *nodes_.at(i); }
  // Index of the data node the sentinels name as primary now (-1: unknown).
  int primary_index() const;
  // One command to sentinel i (hiredis over TCP), rendered like RedisServer::command.
  std::string sentinel_command(std::size_t i, const std::vector<std::string>& argv) const;

  // Waits until all sentinels agree on a running primary that answers role:master and every
  // other running data node replicates from it with its link up. Throws after scaled(timeout).
  void wait_stable(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  RedisSentinelOptions options_;
  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::vector<int> sentinel_ports_;
  std::vector<Process> sentinels_;
  std::string dir_;
};

}  // namespace ragcache::testing
