// Gathers the facts `ragcache doctor` judges (doctor_checks.h) from a live server: INFO,
// CONFIG GET appendfsync, PING round trips, and a sample of ragcache keys found by SCAN with
// their PTTL and MEMORY USAGE. Read-only, bounded work (a few hundred commands at most).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "base/error.h"
#include "redis/client.h"
#include "redis/doctor_checks.h"
#include "redis/doctor_report.h"

namespace ragcache::redis {

struct ProbeOptions {
  std::size_t max_keys = 2000;        // ragcache keys sampled for TTL checks
  std::size_t max_scan_calls = 100;   // SCAN ... COUNT 1000 calls at most (~100k keys looked at)
  std::size_t memory_samples = 300;   // keys measured with MEMORY USAGE
  int pings = 7;
};

boost::asio::awaitable<Result<ServerFacts>> probe_server(Client& client, const ProbeOptions& options = {});

// Examines the server(s) behind url for role: one report for a single server or the Sentinel
// primary, one per primary for a cluster. Never fails: an unreachable server is a report whose
// error is set.
boost::asio::awaitable<std::vector<RoleReport>> examine(boost::asio::any_io_executor ex, RedisRole role, std::string url,
                                                        ProbeOptions options = {}, DoctorThresholds thresholds = {});

}  // namespace ragcache::redis
