#include "redis/doctor_checks.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace ragcache::redis {
namespace {

std::string field(const ServerFacts& facts, const std::string& name) {
  auto it = facts.info.find(name);
  return it == facts.info.end() ? std::string() : it->second;
}

std::optional<std::int64_t> int_field(const ServerFacts& facts, const std::string& name) {
  const std::string text = field(facts, name);
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc()) return std::nullopt;
  return value;
}

std::string human_bytes(std::int64_t bytes) {
  char buf[32];
  if (bytes >= (1LL << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1LL << 30));
  } else if (bytes >= (1LL << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1LL << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  }
  return buf;
}

std::string join_some(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > max) out += ", ...";
  return out;
}

void check_version(const ServerFacts& facts, std::vector<Finding>& out) {
  const std::string version = field(facts, "redis_version");
  int major = 0, minor = 0;
  if (version.empty() || std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) {
    out.push_back({"version", Severity::warning, "Redis version unknown (INFO has no redis_version)"});
    return;
  }
  if (major < 6 || (major == 6 && minor < 2)) {
    out.push_back({"version", Severity::problem,
                   "Redis " + version + " is too old: ragcache needs 6.2 or newer (GETEX, XAUTOCLAIM, SET GET)"});
  } else {
    out.push_back({"version", Severity::ok, "Redis " + version});
  }
}

void check_replica(const ServerFacts& facts, std::vector<Finding>& out) {
  if (field(facts, "role") == "slave") {
    out.push_back({"role", Severity::problem, "this server is a replica: writes fail (READONLY); point ragcache at the primary"});
  }
}

void check_persistence(RedisRole role, const ServerFacts& facts, std::vector<Finding>& out) {
  const bool aof = field(facts, "aof_enabled") == "1";
  if (role == RedisRole::state) {
    if (!aof) {
      out.push_back({"persistence", Severity::problem,
                     "AOF is off: sessions, documents and locks are lost on a restart (set appendonly yes)"});
    } else if (facts.appendfsync && *facts.appendfsync == "no") {
      out.push_back({"persistence", Severity::warning,
                     "AOF on but appendfsync no: the last ~30 s of writes can be lost on a crash (use everysec)"});
    } else {
      out.push_back({"persistence", Severity::ok,
                     "AOF on" + (facts.appendfsync ? " (appendfsync " + *facts.appendfsync + ")" : std::string())});
    }
    return;
  }
  out.push_back({"persistence", Severity::ok,
                 aof ? "AOF on (more than a cache needs; RDB snapshots are enough)"
                     : "no AOF: fine for a cache (it is rebuilt from the upstream after a restart)"});
}

void check_memory(RedisRole role, const ServerFacts& facts, const DoctorThresholds& t, std::vector<Finding>& out) {
  const std::string policy = field(facts, "maxmemory_policy");
  const auto maxmemory = int_field(facts, "maxmemory").value_or(0);
  const auto used = int_field(facts, "used_memory").value_or(0);
  if (role == RedisRole::state) {
    if (policy.empty()) {
      out.push_back({"eviction", Severity::warning, "eviction policy unknown (INFO has no maxmemory_policy)"});
    } else if (policy != "noeviction") {
      out.push_back({"eviction", Severity::problem,
                     "maxmemory-policy " + policy +
                         " can evict locks and sessions: the state server must use noeviction"});
    } else {
      out.push_back({"eviction", Severity::ok, "noeviction: state is never evicted"});
    }
    if (maxmemory == 0) {
      out.push_back({"maxmemory", Severity::ok, "no maxmemory limit (state grows with use; watch the host's memory)"});
    }
  } else {
    if (policy == "noeviction") {
      out.push_back({"eviction", Severity::warning,
                     "noeviction on a cache: writes fail once memory is full (use allkeys-lru or allkeys-lfu)"});
    } else if (policy.empty()) {
      out.push_back({"eviction", Severity::warning, "eviction policy unknown (INFO has no maxmemory_policy)"});
    } else {
      out.push_back({"eviction", Severity::ok, "maxmemory-policy " + policy});
    }
    if (maxmemory == 0) {
      out.push_back({"maxmemory", Severity::warning,
                     "no maxmemory: the cache grows until the host runs out of memory (set maxmemory)"});
    }
  }
  if (maxmemory > 0) {
    const double share = static_cast<double>(used) / static_cast<double>(maxmemory);
    const std::string usage = human_bytes(used) + " of " + human_bytes(maxmemory);
    if (share >= t.memory_full_share) {
      out.push_back({"maxmemory", role == RedisRole::state ? Severity::problem : Severity::warning,
                     "memory almost full: " + usage +
                         (role == RedisRole::state ? " (state writes will fail at the limit)" : " (heavy eviction)")});
    } else {
      out.push_back({"maxmemory", Severity::ok, "memory " + usage});
    }
  }
}

void check_big_keys(const ServerFacts& facts, const DoctorThresholds& t, std::vector<Finding>& out) {
  std::vector<const KeySample*> big;
  std::size_t measured = 0;
  for (const auto& s : facts.samples) {
    if (!s.bytes) continue;
    ++measured;
    if (*s.bytes >= t.big_key_bytes) big.push_back(&s);
  }
  if (big.empty()) {
    out.push_back({"big_keys", Severity::ok,
                   "no key over " + human_bytes(t.big_key_bytes) + " among " + std::to_string(measured) + " sampled"});
    return;
  }
  std::sort(big.begin(), big.end(), [](const KeySample* a, const KeySample* b) { return *a->bytes > *b->bytes; });
  std::vector<std::string> names;
  for (const auto* s : big) names.push_back(s->key + " (" + human_bytes(*s->bytes) + ")");
  out.push_back({"big_keys", Severity::warning,
                 std::to_string(big.size()) + " of " + std::to_string(measured) + " sampled keys over " +
                     human_bytes(t.big_key_bytes) + ": " + join_some(names, 5)});
}

void check_ttls(const ServerFacts& facts, std::vector<Finding>& out) {
  std::vector<std::string> missing;
  std::size_t cache_keys = 0;
  for (const auto& s : facts.samples) {
    if (!has_cache_ttl_prefix(s.key)) continue;
    ++cache_keys;
    if (!s.ttl_ms) missing.push_back(s.key);
  }
  if (missing.empty()) {
    out.push_back({"ttl", Severity::ok, "all " + std::to_string(cache_keys) + " sampled cache keys have a TTL"});
  } else {
    out.push_back({"ttl", Severity::problem,
                   std::to_string(missing.size()) + " of " + std::to_string(cache_keys) +
                       " sampled cache keys have no TTL (they never expire): " + join_some(missing, 5)});
  }
}

void check_ttl_clustering(const ServerFacts& facts, const DoctorThresholds& t, std::vector<Finding>& out) {
  std::map<std::int64_t, std::size_t> per_minute;
  std::size_t with_ttl = 0;
  for (const auto& s : facts.samples) {
    if (!s.ttl_ms || !has_cache_ttl_prefix(s.key)) continue;
    ++with_ttl;
    ++per_minute[*s.ttl_ms / 60000];
  }
  if (with_ttl == 0) return;
  auto busiest = std::max_element(per_minute.begin(), per_minute.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  const double share = static_cast<double>(busiest->second) / static_cast<double>(with_ttl);
  const std::string where = std::to_string(busiest->second) + " of " + std::to_string(with_ttl) +
                            " sampled cache keys expire in the same minute (in " + std::to_string(busiest->first) +
                            " min)";
  if (busiest->second >= t.cluster_min_keys && share >= t.cluster_min_share) {
    out.push_back({"ttl_clustering", Severity::warning,
                   where + ": an expiry avalanche risk (add random jitter to TTLs)"});
  } else {
    out.push_back({"ttl_clustering", Severity::ok, "expiries spread out (busiest minute: " + where + ")"});
  }
}

void check_latency(const ServerFacts& facts, const DoctorThresholds& t, std::vector<Finding>& out) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f ms", facts.latency_ms);
  if (facts.latency_ms > t.slow_latency_ms) {
    out.push_back({"latency", Severity::warning,
                   std::string("round trip ") + buf + ": slow for a cache (same host or zone expected)"});
  } else {
    out.push_back({"latency", Severity::ok, std::string("round trip ") + buf});
  }
}

}  // namespace

std::string_view to_string(RedisRole role) { return role == RedisRole::cache ? "cache" : "state"; }

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::ok: return "ok";
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::problem: return "problem";
  }
  return "?";
}

bool has_cache_ttl_prefix(std::string_view key) {
  return std::any_of(std::begin(kCacheTtlPrefixes), std::end(kCacheTtlPrefixes),
                     [&](std::string_view p) { return key.starts_with(p); });
}

bool has_ragcache_prefix(std::string_view key) {
  return std::any_of(std::begin(kRagcachePrefixes), std::end(kRagcachePrefixes),
                     [&](std::string_view p) { return key.starts_with(p); });
}

std::map<std::string, std::string> parse_info(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 1));
  }
  return out;
}

std::vector<Finding> diagnose(RedisRole role, const ServerFacts& facts, const DoctorThresholds& thresholds) {
  std::vector<Finding> out;
  check_version(facts, out);
  check_replica(facts, out);
  check_persistence(role, facts, out);
  check_memory(role, facts, thresholds, out);
  check_big_keys(facts, thresholds, out);
  if (role == RedisRole::cache) {
    check_ttls(facts, out);
    check_ttl_clustering(facts, thresholds, out);
  }
  check_latency(facts, thresholds, out);
  return out;
}

bool has_problem(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::problem; });
}

}  // namespace ragcache::redis
