// IndexManager: one VectorIndex per partition (tenant + model + system prompt + namespace),
// created on the first insert into that partition. Every lookup names its partition, so an entry
// can never match across tenants, models, system prompts or namespaces.
//
// A partition's dimension is fixed by its first vector (the partition names the model, and a
// model has one dimension); a vector of another length is rejected with invalid_argument.
//
// Thread safety: any method from any thread. The partition map has its own reader/writer lock,
// each partition its own (see VectorIndex), so lookups in different partitions never contend.
#pragma once

#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "index/partition.h"
#include "index/vector_index.h"

namespace ragcache::index {

struct IndexManagerOptions {
  // Options of every new partition; its `dimension` is replaced by that of the first vector.
  VectorIndexOptions partition;
  // Capacity per partition for some namespaces, overriding `partition.capacity`.
  std::unordered_map<std::string, std::size_t> capacity_per_namespace;
};

class IndexManager {
 public:
  explicit IndexManager(IndexManagerOptions options = {});

  // Inserts or replaces `id` in `partition` (created if new). Returns the ids evicted from that
  // partition to respect its capacity.
  Result<std::vector<EntryId>> upsert(const PartitionKey& partition, EntryId id,
                                      std::span<const float> vector,
                                      std::optional<Clock::time_point> expires_at = std::nullopt,
                                      std::span<const Term> terms = {});

  // Removes `id` from `partition`; false if it was not there.
  bool remove(const PartitionKey& partition, EntryId id);

  // Best matches inside `partition` only; an unknown partition is a miss (empty), not an error.
  Result<std::vector<Match>> search(const PartitionKey& partition, std::span<const float> query,
                                    const SearchRequest& request) const;

  bool contains(const PartitionKey& partition, EntryId id) const;

  // VectorIndex::set_terms / ids_without_terms in `partition` (false / empty if unknown).
  bool set_terms(const PartitionKey& partition, EntryId id, std::span<const Term> terms);
  std::vector<EntryId> ids_without_terms(const PartitionKey& partition) const;

  // Records a hit on `id` (see VectorIndex::touch).
  void touch(const PartitionKey& partition, EntryId id);

  // Drops expired entries everywhere, then partitions left empty. Returns how many entries went.
  std::size_t remove_expired(Clock::time_point now);

  // Forgets a whole partition (e.g. namespace invalidation); false if unknown.
  bool drop_partition(const PartitionKey& partition);

  // Snapshot of one partition's index (VectorIndex::save; invalid_argument if the partition is
  // unknown here), and its inverse, which replaces the partition; returns the entries loaded.
  Result<void> save_partition(const PartitionKey& partition, const std::string& path) const;
  Result<std::size_t> load_partition(const PartitionKey& partition, std::size_t dimension, const std::string& path);

  std::size_t partition_count() const;
  std::size_t size() const;  // live entries over all partitions
  std::size_t memory_bytes() const;

 private:
  std::shared_ptr<VectorIndex> find(const PartitionKey& partition) const;
  VectorIndexOptions options_for(const PartitionKey& partition, std::size_t dimension) const;

  IndexManagerOptions options_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<PartitionKey, std::shared_ptr<VectorIndex>, PartitionKeyHash> partitions_;
};

}  // namespace ragcache::index
