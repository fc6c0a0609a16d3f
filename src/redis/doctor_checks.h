// `ragcache doctor`: what is checked on a Redis server, as pure functions over facts gathered
// elsewhere (doctor_probe.h), so every rule is unit-tested on canned INFO output.
//
// Each server is checked against its role (docs/architecture.md, "Two Redis roles"):
// - cache: may lose data (RDB or nothing is fine) but must bound memory and evict
//   (maxmemory + an eviction policy); every key under a cache prefix must carry a TTL, and TTLs
//   should not pile up in one minute (a cache avalanche when they all expire together).
// - state: must not lose data: AOF on, and maxmemory-policy noeviction (any eviction policy can
//   drop a lock or a session).
// Both: Redis version, round-trip latency, big keys under ragcache prefixes, replica role.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::redis {

enum class RedisRole { cache, state };
enum class Severity { ok, info, warning, problem };

std::string_view to_string(RedisRole role);
std::string_view to_string(Severity severity);

// Key prefixes of the cache role: keys under them must have a TTL.
inline constexpr std::string_view kCacheTtlPrefixes[] = {"rag:exact:", "rag:flight:", "lock:rag:",
                                                         "rag:sem:",   "emb:",        "rag:hot:"};
// Every prefix ragcache writes (sampled for big keys).
inline constexpr std::string_view kRagcachePrefixes[] = {"rag:",     "lock:rag:", "lock:doc:", "emb:",
                                                         "session:", "rl:",       "doc:"};

bool has_cache_ttl_prefix(std::string_view key);
bool has_ragcache_prefix(std::string_view key);

// One sampled key: its TTL (nullopt: none) and MEMORY USAGE (nullopt: not measured).
struct KeySample {
  std::string key;
  std::optional<std::int64_t> ttl_ms;
  std::optional<std::int64_t> bytes;
};

struct ServerFacts {
  std::map<std::string, std::string> info;  // INFO fields (server, persistence, memory, replication)
  std::optional<std::string> appendfsync;   // CONFIG GET appendfsync (nullopt: CONFIG refused)
  double latency_ms = 0;                    // median PING round trip
  std::vector<KeySample> samples;           // ragcache keys found by SCAN
  std::uint64_t keys_scanned = 0;           // all keys SCAN looked at
};

struct Finding {
  std::string check;  // short id: version, persistence, eviction, maxmemory, ...
  Severity severity = Severity::ok;
  std::string message;
};

struct DoctorThresholds {
  std::int64_t big_key_bytes = 1 << 20;
  double slow_latency_ms = 5.0;
  // TTL clustering: a warning when one minute holds at least this many keys and this share of
  // all sampled keys with a TTL.
  std::size_t cluster_min_keys = 20;
  double cluster_min_share = 0.25;
  double memory_full_share = 0.9;
};

// INFO text ("# Section\r\nfield:value\r\n...") -> field -> value.
std::map<std::string, std::string> parse_info(std::string_view text);

std::vector<Finding> diagnose(RedisRole role, const ServerFacts& facts, const DoctorThresholds& thresholds = {});

bool has_problem(const std::vector<Finding>& findings);

}  // namespace ragcache::redis
