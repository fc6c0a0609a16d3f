// The state a SemanticCache shares with its feed loop (semantic_feed.cc): private to the
// semantic cache's own .cc files. The loop holds it by shared_ptr, never the SemanticCache.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/semantic/feed_event.h"
#include "domain/semantic/semantic_cache.h"
#include "redis/stream_tail.h"

namespace ragcache::semantic {

// Index clock <-> milliseconds since the epoch (the unit of expiries in Redis and in the feed).
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(index::Clock::now().time_since_epoch()).count();
}
inline index::Clock::time_point from_ms(std::int64_t ms) {
  return index::Clock::time_point(std::chrono::duration_cast<index::Clock::duration>(std::chrono::milliseconds(ms)));
}

// One partition this process indexes.
struct SemanticCache::PartitionState {
  index::PartitionKey key;
  std::string p;
  // Where this process has read the partition's feed up to; set with `ready` once its index is
  // built. Read and written under Shared::mutex (the feed loop reads the feed, ensure_partition
  // builds the index).
  std::string last_id = "0-0";
  bool ready = false;
  std::uint64_t last_used = 0;  // Shared::use_clock at the last lookup/insert: the LRU order
  std::atomic<bool> unloaded{false};  // dropped for max_partitions: whoever wrote to it drops again
};

struct SemanticCache::Shared {
  Shared(redis::Client& c, embed::Embedder& e, SemanticCacheOptions o)
      : client(c),
        embedder(e),
        options(std::move(o)),
        keys(options.key_prefix),
        index(options.index),
        ring_connections(std::make_shared<redis::BlockingPool>(c, 0)) {}
  redis::Client& client;
  embed::Embedder& embedder;
  SemanticCacheOptions options;
  SemanticKeys keys;
  index::IndexManager index;
  SemanticCacheStats stats;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> running_tails{0};  // feed loops not yet ended (0 or 1)
  std::atomic<std::int64_t> last_sweep_ms{0};
  std::mutex mutex;  // guards partitions, use_clock, ring
  std::unordered_map<std::string, std::shared_ptr<PartitionState>> partitions;  // by partition id
  std::uint64_t use_clock = 0;
  std::shared_ptr<redis::BlockingPool> ring_connections;  // the ring tail's connection, none kept idle
  std::unique_ptr<redis::StreamTail> ring;  // the feed loop's tail of the doorbell (redis/stream_tail.h); set once

  // The XADD of one change-feed event and the feed's TTL refresh, for a MULTI in slot {p}.
  void append_feed_event(std::vector<redis::Command>& cmds, const std::string& p, const FeedEvent& event) const;
  // The key of partition p if this process indexes it (ids are all Redis names).
  std::optional<index::PartitionKey> known_partition(const std::string& p);
  void apply(const PartitionState& state, const FeedEvent& event);
  void sweep_expired();
  // Unloads the least recently used partitions beyond options.max_partitions (not `keep`).
  // Caller holds `mutex`.
  void unload_beyond_limit(const std::string& keep);
  // After an index write for `state`: undoes it if the partition was unloaded meanwhile.
  void drop_if_unloaded(const PartitionState& state);
};

}  // namespace ragcache::semantic
