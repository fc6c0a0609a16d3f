// The exact answer cache: rag:exact:{h} (or rag:exact:<ns>:{h}) in the cache role.
//
// - Keys come from make_cache_key (canonical_key.h); entries keep the canonical request bytes and
//   every hit is verified against them (entry_codec.h), so a collision never serves a wrong answer.
// - TTL = ttl_base + uniform jitter in [0, ttl_jitter]. Expiry is absolute (GET) or sliding (GETEX
//   PX: each hit restarts the TTL), chosen per namespace.
// - Bodies above codec.compress_threshold are zstd-compressed; entries above codec.max_entry_bytes
//   are not stored (counted in stats, logged). Only complete answers are stored: errors never reach
//   store(), truncated (finish_reason "length") and refused answers are skipped.
// - store_fenced writes only while the writer's lock:rag:{h} is still held with its fencing
//   number (one script over both keys): a leader whose lease lapsed cannot overwrite a newer answer.
// - Invalidation of one entry (UNLINK) or of a namespace (SCAN MATCH on every primary, one
//   pipeline of single-key UNLINKs per page: never KEYS, a big DEL, or a cross-slot command).
//   Either also deletes the in-flight markers of the answers it covers (KeySchema::inflight), so
//   a generation already running stores nothing (single_flight.h). Each invalidation is appended
//   to rag:l1inval, which every replica's listener tails to drop the entry from its L1
//   (start_invalidation_listener).
// - L1: a bounded in-process cache in front of Redis (l1_cache.h).
//
// Thread-safe. Lifetime: the Client must outlive the ExactCache; the ExactCache must outlive its
// calls. Cancellation: a cancelled call may or may not have reached Redis.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/cache/canonical_key.h"
#include "domain/cache/entry_codec.h"
#include "domain/cache/keys.h"
#include "domain/cache/l1_cache.h"
#include "domain/cache/lock_value.h"
#include "redis/client.h"

namespace ragcache::cache {

enum class Expiry { absolute, sliding };

// How an answer ended; only complete answers are cached.
enum class Completion { complete, truncated, refused };

struct ExactCacheOptions {
  std::string key_prefix = {};  // before every key (tests); empty in production
  std::chrono::milliseconds ttl_base{std::chrono::hours(24)};
  std::chrono::milliseconds ttl_jitter{std::chrono::hours(1)};
  Expiry default_expiry = Expiry::absolute;
  std::map<std::string, Expiry, std::less<>> namespace_expiry{};  // overrides per namespace
  CodecOptions codec{};
  std::size_t l1_max_bytes = 64u << 20;  // 0 disables L1
  std::chrono::milliseconds l1_ttl{5000};
  std::chrono::milliseconds invalidation_ttl{std::chrono::hours(1)};  // life of rag:l1inval
  std::chrono::milliseconds invalidation_block{1000};                 // XREAD BLOCK of the listener
  std::size_t scan_count = 1000;  // SCAN COUNT per namespace-invalidation step
};

enum class StoreStatus { stored, skipped_incomplete, skipped_too_large };

struct ExactCacheStats {
  std::atomic<std::uint64_t> l1_hits{0}, hits{0}, misses{0}, stores{0}, compressed{0}, too_large{0},
      incomplete{0}, corrupt{0}, collisions{0}, fenced_refused{0}, invalidated{0};
};

// An entry ready to write: encoded bytes and the TTL drawn for it.
struct PreparedEntry {
  std::string bytes;
  std::chrono::milliseconds ttl{0};
};

class ExactCache {
 public:
  ExactCache(redis::Client& client, ExactCacheOptions options = {});
  ~ExactCache();
  ExactCache(const ExactCache&) = delete;
  ExactCache& operator=(const ExactCache&) = delete;

  // L1, then Redis. nullopt = miss (a corrupt or colliding entry counts as a miss).
  boost::asio::awaitable<Result<std::optional<std::string>>> lookup(const CacheKey& key);

  boost::asio::awaitable<Result<StoreStatus>> store(const CacheKey& key, std::string_view answer,
                                                    Completion completion = Completion::complete);

  // Stores only while `grant` (of lock KeySchema::flight_lock_name(key.hash), taken on this same
  // client) still holds its lock: Errc::not_owner when refused.
  boost::asio::awaitable<Result<StoreStatus>> store_fenced(const CacheKey& key, std::string_view answer,
                                                           const LockGrant& grant,
                                                           Completion completion = Completion::complete);

  // True when an entry was deleted.
  boost::asio::awaitable<Result<bool>> invalidate(const CacheKey& key);
  // Deletes every entry of a namespace ("" = the default one); returns how many.
  boost::asio::awaitable<Result<std::size_t>> invalidate_namespace(std::string_view ns);

  // Tails rag:l1inval so deletions by other replicas reach this L1. Idempotent.
  void start_invalidation_listener();
  // Shutdown: stops that tail and waits (up to `grace`) until its loop has ended, so nothing of it
  // stays suspended on the executor. The L1 is no longer kept in step afterwards.
  boost::asio::awaitable<void> stop_invalidation_listener(std::chrono::milliseconds grace);
  bool invalidation_listener_running() const;

  // ---- used by SingleFlight ----
  // Encodes an answer for storing (nullopt: not to be stored; counted).
  std::optional<PreparedEntry> prepare(const CacheKey& key, std::string_view answer, Completion completion);
  // Decodes an entry read from Redis, verifies it and fills L1 (nullopt: unusable -> a miss).
  std::optional<std::string> accept(const CacheKey& key, std::string_view entry_bytes);
  void remember(const CacheKey& key, std::string_view answer);  // L1 only
  Expiry expiry_of(std::string_view ns) const;

  const KeySchema& keys() const { return keys_; }
  redis::Client& client() const { return client_; }
  const ExactCacheStats& stats() const { return stats_; }
  L1Cache& l1() { return l1_; }
  const ExactCacheOptions& options() const { return options_; }

  struct Listener;

 private:
  boost::asio::awaitable<void> publish_invalidation(std::string field, std::string value);
  void close_listener();

  redis::Client& client_;
  ExactCacheOptions options_;
  KeySchema keys_;
  L1Cache l1_;
  ExactCacheStats stats_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace ragcache::cache
