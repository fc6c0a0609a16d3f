#include "index/index_manager.h"

#include <mutex>

namespace ragcache::index {

IndexManager::IndexManager(IndexManagerOptions options) : options_(std::move(options)) {}

std::shared_ptr<VectorIndex> IndexManager::find(const PartitionKey& partition) const {
  std::shared_lock lock(mutex_);
  auto it = partitions_.find(partition);
  return it == partitions_.end() ? nullptr : it->second;
}

Result<std::vector<EntryId>> IndexManager::upsert(const PartitionKey& partition, EntryId id,
                                                  std::span<const float> vector,
                                                  std::optional<Clock::time_point> expires_at,
                                                  std::span<const Term> terms) {
  // The map lock is held across the insert so that remove_expired() cannot drop the partition
  // as empty between our lookup and our insert (the entry would land in a forgotten index).
  {
    std::shared_lock lock(mutex_);
    if (auto it = partitions_.find(partition); it != partitions_.end()) {
      return it->second->upsert(id, vector, expires_at, terms);
    }
  }
  if (vector.empty()) return Error(Errc::invalid_argument, "vector is empty");
  std::unique_lock lock(mutex_);
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) {  // not created by another thread between the two locks
    auto created = VectorIndex::create(options_for(partition, vector.size()));
    if (!created) return created.error();
    it = partitions_.emplace(partition, std::shared_ptr<VectorIndex>(std::move(*created))).first;
  }
  return it->second->upsert(id, vector, expires_at, terms);
}

VectorIndexOptions IndexManager::options_for(const PartitionKey& partition, std::size_t dimension) const {
  VectorIndexOptions opts = options_.partition;
  opts.dimension = dimension;
  if (auto cap = options_.capacity_per_namespace.find(partition.name_space); cap != options_.capacity_per_namespace.end()) {
    opts.capacity = cap->second;
  }
  return opts;
}

bool IndexManager::remove(const PartitionKey& partition, EntryId id) {
  auto index = find(partition);
  return index && index->remove(id);
}

Result<std::vector<Match>> IndexManager::search(const PartitionKey& partition,
                                                std::span<const float> query,
                                                const SearchRequest& request) const {
  auto index = find(partition);
  if (!index) return std::vector<Match>{};
  return index->search(query, request);
}

bool IndexManager::set_terms(const PartitionKey& partition, EntryId id, std::span<const Term> terms) {
  auto index = find(partition);
  return index && index->set_terms(id, terms);
}

std::vector<EntryId> IndexManager::ids_without_terms(const PartitionKey& partition) const {
  auto index = find(partition);
  return index ? index->ids_without_terms() : std::vector<EntryId>{};
}

bool IndexManager::contains(const PartitionKey& partition, EntryId id) const {
  auto index = find(partition);
  return index && index->contains(id);
}

void IndexManager::touch(const PartitionKey& partition, EntryId id) {
  if (auto index = find(partition)) index->touch(id);
}

std::size_t IndexManager::remove_expired(Clock::time_point now) {
  std::vector<std::pair<PartitionKey, std::shared_ptr<VectorIndex>>> all;
  {
    std::shared_lock lock(mutex_);
    all.assign(partitions_.begin(), partitions_.end());
  }
  std::size_t removed = 0;
  std::vector<PartitionKey> empty;
  for (auto& [key, index] : all) {
    removed += index->remove_expired(now).size();
    if (index->size() == 0) empty.push_back(key);
  }
  if (!empty.empty()) {
    std::unique_lock lock(mutex_);
    for (const auto& key : empty) {
      // Re-check under the writer lock: an insert may have landed since.
      auto it = partitions_.find(key);
      if (it != partitions_.end() && it->second->size() == 0) partitions_.erase(it);
    }
  }
  return removed;
}

bool IndexManager::drop_partition(const PartitionKey& partition) {
  std::unique_lock lock(mutex_);
  return partitions_.erase(partition) > 0;
}

Result<void> IndexManager::save_partition(const PartitionKey& partition, const std::string& path) const {
  auto index = find(partition);
  if (!index) return Error(Errc::invalid_argument, "no such partition in this index");
  return index->save(path);
}

Result<std::size_t> IndexManager::load_partition(const PartitionKey& partition, std::size_t dimension,
                                                 const std::string& path) {
  auto loaded = VectorIndex::load(options_for(partition, dimension), path);
  if (!loaded) return loaded.error();
  const std::size_t entries = (*loaded)->size();
  std::unique_lock lock(mutex_);
  partitions_[partition] = std::shared_ptr<VectorIndex>(std::move(*loaded));
  return entries;
}

std::size_t IndexManager::partition_count() const {
  std::shared_lock lock(mutex_);
  return partitions_.size();
}

std::size_t IndexManager::size() const {
  std::shared_lock lock(mutex_);
  std::size_t total = 0;
  for (const auto& [key, index] : partitions_) total += index->size();
  return total;
}

std::size_t IndexManager::memory_bytes() const {
  std::shared_lock lock(mutex_);
  std::size_t total = 0;
  for (const auto& [key, index] : partitions_) total += index->memory_bytes() + sizeof(PartitionKey);
  return total;
}

}  // namespace ragcache::index
