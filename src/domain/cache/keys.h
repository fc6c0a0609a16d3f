// Redis key names of the exact cache, single-flight and locks (see DESIGN.md, "Key schema").
//
// Every key that one script touches shares a hash tag, so each script stays on one cluster slot:
//   rag:exact:{h}  rag:exact:<ns>:{h}     cached answer (namespace "" = the default namespace)
//   lock:rag:{h}                          single-flight lock of that answer (cache role)
//   lock:rag:{h}:fence                    its fencing counter (expires with what it guards)
//   rag:flight:{h}                        chunks of the in-flight generation (Redis Stream)
//   lock:<name>  lock:<name>:fence  lock:<name>:sig    a general lock, its counter, its release signal
// A general lock name without a hash tag gets one ({name}), so its three keys share a slot.
// `prefix` (empty in production) is put before every key; tests use it to stay apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/error.h"

namespace ragcache::cache {

// Keys of one general lock.
struct LockKeys {
  std::string lock;    // String "<token>:<fence>", PX ttl
  std::string fence;   // INCR counter of grants
  std::string signal;  // Stream: one entry per release, wakes blocked acquirers
};

class KeySchema {
 public:
  explicit KeySchema(std::string prefix = {}) : prefix_(std::move(prefix)) {}

  std::string exact(std::string_view ns, std::string_view hash) const;
  // The namespace and hash of a whole exact-entry name (the inverse of exact()); nullopt when
  // `name` is not one. Lets callers hand back a key name they saw in Redis.
  std::optional<std::pair<std::string, std::string>> parse_exact(std::string_view name) const;
  std::string flight(std::string_view hash) const;
  // Name of the single-flight lock of one answer: "rag:{h}" (so the key is lock:rag:{h}).
  static std::string flight_lock_name(std::string_view hash);
  LockKeys lock(std::string_view name) const;
  // SCAN MATCH pattern of every exact entry of a namespace.
  std::string exact_pattern(std::string_view ns) const;
  // Stream that tells every replica's L1 which entries were deleted.
  std::string l1_invalidation() const { return prefix_ + "rag:l1inval"; }

  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// A namespace is empty (the default) or 1..64 of [A-Za-z0-9_.-]: it goes inside key names and
// SCAN patterns, so glob and hash-tag characters are refused.
Result<void> validate_namespace(std::string_view ns);
// A cache key hash is 64 lowercase hex digits (SHA-256, as make_cache_key makes it).
Result<void> validate_hash(std::string_view hash);
// A lock name is 1..512 bytes without NUL, '*', '?', '[' or ']' (those would leak into patterns).
Result<void> validate_lock_name(std::string_view name);

}  // namespace ragcache::cache
