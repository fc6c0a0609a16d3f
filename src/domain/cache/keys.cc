#include "domain/cache/keys.h"

#include "base/hash.h"
#include "domain/cache/errors.h"
#include "domain/cache/slot_tags.h"
#include "redis/cluster_slot.h"
#include "redis/topology_url.h"

namespace ragcache::cache {
namespace {

bool has_hash_tag(std::string_view name) {
  auto open = name.find('{');
  if (open == std::string_view::npos) return false;
  auto close = name.find('}', open + 1);
  return close != std::string_view::npos && close > open + 1;  // "{}" is not a tag to Redis
}

}  // namespace

std::string KeySchema::exact(std::string_view ns, std::string_view hash) const {
  std::string key = prefix_ + "rag:exact:";
  if (!ns.empty()) key.append(ns).append(":");
  return key.append("{").append(hash).append("}");
}

std::optional<std::pair<std::string, std::string>> KeySchema::parse_exact(std::string_view name) const {
  const std::string head = prefix_ + "rag:exact:";
  if (!name.starts_with(head) || !name.ends_with('}')) return std::nullopt;
  name.remove_prefix(head.size());
  const auto open = name.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view ns = name.substr(0, open);
  if (!ns.empty()) {
    if (!ns.ends_with(':')) return std::nullopt;
    ns.remove_suffix(1);
  }
  return std::pair{std::string(ns), std::string(name.substr(open + 1, name.size() - open - 2))};
}

std::string KeySchema::flight(std::string_view hash) const {
  return prefix_ + "rag:flight:{" + std::string(hash) + "}";
}

std::string KeySchema::flight_lock_name(std::string_view hash) { return "rag:{" + std::string(hash) + "}"; }

FenceCounters fence_counters_for(std::string_view redis_url) {
  return redis::is_cluster_url(redis_url) ? FenceCounters::one_per_slot : FenceCounters::one_per_server;
}

// Built with one allocation per key: this runs for every lock attempt and release.
std::string KeySchema::lock_key(std::string_view name) const {
  const bool tagged = has_hash_tag(name);
  std::string key;
  key.reserve(prefix_.size() + 5 + name.size() + (tagged ? 0 : 2) + 4);  // room for signal_of's ":sig"
  key.append(prefix_).append("lock:");
  if (tagged) {
    key.append(name);
  } else {
    key.append("{").append(name).append("}");
  }
  return key;
}

std::string KeySchema::signal_of(std::string_view lock_key) {
  std::string signal;
  signal.reserve(lock_key.size() + 4);
  return signal.append(lock_key).append(":sig");
}

LockKeys KeySchema::lock(std::string_view name) const {
  LockKeys keys;
  keys.lock = lock_key(name);
  keys.fence = prefix_ + "lock:fence";
  if (counters_ == FenceCounters::one_per_slot) {
    keys.fence.append(":{").append(slot_hash_tag(redis::key_slot(keys.lock))).append("}");
  }
  keys.signal = signal_of(keys.lock);
  return keys;
}

std::string KeySchema::exact_pattern(std::string_view ns) const {
  // The prefix is ours (tests) and never holds glob characters.
  std::string p = prefix_ + "rag:exact:";
  if (!ns.empty()) p.append(ns).append(":");
  return p + "{*";
}

Result<void> validate_namespace(std::string_view ns) {
  if (ns.size() > 64) return Error(Errc::invalid_key, "namespace longer than 64 bytes");
  for (char c : ns) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) return Error(Errc::invalid_key, "namespace may only hold [A-Za-z0-9_.-]");
  }
  return {};
}

Result<void> validate_hash(std::string_view hash) {
  if (hash.size() != 64 || !is_lower_hex(hash)) {
    return Error(Errc::invalid_key, "cache key hash must be 64 lowercase hex digits");
  }
  return {};
}

Result<void> validate_lock_name(std::string_view name) {
  if (name.empty() || name.size() > 512) return Error(Errc::invalid_key, "lock name must be 1..512 bytes");
  for (char c : name) {
    if (c == '\0' || c == '*' || c == '?' || c == '[' || c == ']') {
      return Error(Errc::invalid_key, "lock name holds a NUL or glob character");
    }
  }
  return {};
}

}  // namespace ragcache::cache
