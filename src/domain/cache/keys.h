// Redis key names of the exact cache, single-flight and locks (see docs/architecture.md, "Key schema").
//
// Every key that one script touches shares a hash tag, so each script stays on one cluster slot:
//   rag:exact:{h}  rag:exact:<ns>:{h}     cached answer (namespace "" = the default namespace)
//   lock:rag:{h}                          single-flight lock of that answer (cache role)
//   rag:flight:{h}                        chunks of the in-flight generation (Redis Stream)
//   rag:exact:[<ns>:]{h}:inflight          the answer is being generated (see inflight())
//   lock:<name>  lock:<name>:sig          a general lock and its release signal
//   lock:fence  /  lock:fence:{t}         fencing counter of every lock (one server) / of every
//                                         lock in the slot of tag t (Redis Cluster), see below
// A general lock name without a hash tag gets one ({name}), so its keys share a slot.
//
// Fencing counters are shared, not one per lock name: a counter shared by many names is still
// strictly increasing for each of them (the fencing guarantee is per name, and no one relies on a
// name's numbers being dense), while the counter keys stay bounded however many distinct names
// are ever locked. (A per-name counter in the state role can never expire, so every lock name
// ever used left a key behind, and the growing keyspace slowed every lookup.)
// - One server (or Sentinel): ONE counter. It stays hot in the server's caches; 16384 per-slot
//   counters hit at random cost ~0.8 us more per grant (cache misses), measured in bench/cache.
// - Redis Cluster: one counter per hash slot (at most 16384), because a script may only touch
//   keys of one slot: the slot's tag ({t}, slot_tags.h) puts the counter in the lock's slot, and
//   resharding moves it with its locks.
// Cost: one name's numbers grow by the grants of the whole server / slot (64 bits last). Moving
// data between the two layouts is safe too: a new counter starts at the server's clock in
// microseconds (scripts/fence_counter.lua), above what the old one handed out.
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
  std::string fence;   // INCR counter of grants, shared with other locks (see above)
  std::string signal;  // Stream: one entry per release, wakes blocked acquirers
};

// Where the fencing counters live (see above).
enum class FenceCounters { one_per_server, one_per_slot };
// one_per_slot for a redis-cluster:// URL, one_per_server for every other.
FenceCounters fence_counters_for(std::string_view redis_url);

class KeySchema {
 public:
  explicit KeySchema(std::string prefix = {}, FenceCounters counters = FenceCounters::one_per_slot)
      : prefix_(std::move(prefix)), counters_(counters) {}

  std::string exact(std::string_view ns, std::string_view hash) const;
  // The namespace and hash of a whole exact-entry name (the inverse of exact()); nullopt when
  // `name` is not one. Lets callers hand back a key name they saw in Redis.
  std::optional<std::pair<std::string, std::string>> parse_exact(std::string_view name) const;
  // Marks the answer as being generated (single-flight leader): flight_begin.lua sets it, any
  // invalidation of the answer deletes it with the entry (the namespace SCAN pattern matches it),
  // and flight_finish.lua stores only while it is still there.
  std::string inflight(std::string_view ns, std::string_view hash) const { return exact(ns, hash) + ":inflight"; }
  std::string flight(std::string_view hash) const;
  // Name of the single-flight lock of one answer: "rag:{h}" (so the key is lock:rag:{h}).
  static std::string flight_lock_name(std::string_view hash);
  LockKeys lock(std::string_view name) const;
  // Parts of lock(), for callers that need fewer keys (a release): the lock's key, and the
  // release-signal stream that goes with a lock key.
  std::string lock_key(std::string_view name) const;
  static std::string signal_of(std::string_view lock_key);
  // SCAN MATCH pattern of every exact entry of a namespace (and of their in-flight markers).
  std::string exact_pattern(std::string_view ns) const;
  // Stream that tells every replica's L1 which entries were deleted.
  std::string l1_invalidation() const { return prefix_ + "rag:l1inval"; }

  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  FenceCounters counters_;
};

// A namespace is empty (the default) or 1..64 of [A-Za-z0-9_.-]: it goes inside key names and
// SCAN patterns, so glob and hash-tag characters are refused.
Result<void> validate_namespace(std::string_view ns);
// A cache key hash is 64 lowercase hex digits (SHA-256, as make_cache_key makes it).
Result<void> validate_hash(std::string_view hash);
// A lock name is 1..512 bytes without NUL, '*', '?', '[' or ']' (those would leak into patterns).
Result<void> validate_lock_name(std::string_view name);

}  // namespace ragcache::cache
