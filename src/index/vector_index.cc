#include "index/vector_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <string>

#if defined(__SANITIZE_THREAD__)
// hnswlib locks the new node's link list, then its neighbours' (and the reverse in the next
// insert): ThreadSanitizer reports that as a lock-order inversion. Here every insert runs under
// VectorIndex's exclusive lock, one at a time, so it cannot deadlock. The program-wide TSan
// suppressions hook: if another file ever needs one too, merge them here.
extern "C" const char* __tsan_default_suppressions() {
  return "deadlock:hnswlib::HierarchicalNSW\n";
}
#endif

namespace ragcache::index {
namespace {

std::int64_t to_ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

bool expired(std::int64_t expires_ns, std::int64_t now_ns) {
  return expires_ns != 0 && expires_ns <= now_ns;
}

}  // namespace

Result<std::unique_ptr<VectorIndex>> VectorIndex::create(const VectorIndexOptions& options) {
  if (options.dimension == 0) return Error(Errc::invalid_argument, "index dimension must be > 0");
  if (options.capacity == 0) return Error(Errc::invalid_argument, "index capacity must be > 0");
  if (options.capacity >= kNoSlot) return Error(Errc::invalid_argument, "index capacity too large");
  if (options.m < 2) return Error(Errc::invalid_argument, "index m must be >= 2");
  if (options.ef_search == 0 || options.ef_construction == 0) {
    return Error(Errc::invalid_argument, "index ef values must be > 0");
  }
  try {
    return std::unique_ptr<VectorIndex>(new VectorIndex(options));
  } catch (const std::exception& e) {
    return Error(Errc::internal, std::string("cannot allocate vector index: ") + e.what());
  }
}

VectorIndex::VectorIndex(const VectorIndexOptions& options) : options_(options) {
  options_.initial_slots = std::clamp<std::size_t>(options_.initial_slots, 1, options_.capacity);
  space_ = std::make_unique<hnswlib::InnerProductSpace>(options_.dimension);
  graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      space_.get(), options_.initial_slots, options_.m, options_.ef_construction,
      options_.random_seed);
  graph_->setEf(options_.ef_search);
}

VectorIndex::~VectorIndex() = default;

Result<void> VectorIndex::save_graph_locked(const std::string& file) const {
  try {
    graph_->saveIndex(file);
  } catch (const std::exception& e) {
    return Error(Errc::internal, "cannot write " + file + ": " + e.what());
  }
  return Result<void>();
}

Result<void> VectorIndex::load_graph(const std::string& file, std::size_t count) {
  // The space-only constructor leaves every member unset: set what loadIndex adds to
  // (num_deleted_) and what the destructor frees, so a load that throws half-way (a corrupt file)
  // can be destroyed safely (cur_element_count, read from the file, is reset for that too).
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  try {
    graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get());
    graph->num_deleted_ = 0;
    graph->cur_element_count = 0;
    graph->data_level0_memory_ = nullptr;
    graph->linkLists_ = nullptr;
    graph->visited_list_pool_ = nullptr;
    graph->loadIndex(file, space_.get(), std::max<std::size_t>(count, 1));
  } catch (const std::exception& e) {
    if (graph) graph->cur_element_count = 0;  // its link lists are not all allocated
    return Error(Errc::invalid_argument, file + ": " + e.what());
  }
  if (graph->cur_element_count != count || graph->label_offset_ - graph->offsetData_ != options_.dimension * sizeof(float)) {
    return Error(Errc::invalid_argument, file + " does not match the slots file or the dimension");
  }
  graph->setEf(options_.ef_search);
  graph_ = std::move(graph);
  return Result<void>();
}

Result<std::uint32_t> VectorIndex::take_free_slot_locked() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if (slots_.size() >= graph_->max_elements_) {
    const std::size_t grown = std::min(options_.capacity, std::max<std::size_t>(graph_->max_elements_ * 2, 1));
    if (grown <= slots_.size()) return Error(Errc::internal, "vector index has no free slot");
    try {
      graph_->resizeIndex(grown);
    } catch (const std::exception& e) {
      return Error(Errc::internal, std::string("cannot grow vector index: ") + e.what());
    }
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void VectorIndex::release_slot_locked(std::uint32_t slot) {
  Slot& s = slots_[slot];
  graph_->markDelete(slot);
  {
    std::lock_guard lru(lru_mutex_);
    lru_unlink_locked(slot);
  }
  slot_of_.erase(s.id);
  postings_.clear(slot);
  for (auto [it, end] = slots_of_fingerprint_.equal_range(s.fingerprint); it != end; ++it) {
    if (it->second == slot) {
      slots_of_fingerprint_.erase(it);
      break;
    }
  }
  s.live = false;
  s.expires_ns = 0;
  ++s.generation;
  free_slots_.push_back(slot);
}

void VectorIndex::lru_push_front_locked(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.lru_prev = kNoSlot;
  s.lru_next = lru_head_;
  if (lru_head_ != kNoSlot) slots_[lru_head_].lru_prev = slot;
  lru_head_ = slot;
  if (lru_tail_ == kNoSlot) lru_tail_ = slot;
}

void VectorIndex::lru_unlink_locked(std::uint32_t slot) {
  Slot& s = slots_[slot];
  if (s.lru_prev != kNoSlot) slots_[s.lru_prev].lru_next = s.lru_next;
  else if (lru_head_ == slot) lru_head_ = s.lru_next;
  if (s.lru_next != kNoSlot) slots_[s.lru_next].lru_prev = s.lru_prev;
  else if (lru_tail_ == slot) lru_tail_ = s.lru_prev;
  s.lru_prev = s.lru_next = kNoSlot;
}

Result<std::vector<EntryId>> VectorIndex::upsert(EntryId id, std::span<const float> vector,
                                                 std::optional<Clock::time_point> expires_at,
                                                 std::span<const Term> terms) {
  auto unit = normalised_copy(vector, options_.dimension);
  if (!unit) return unit.error();
  std::int64_t expires_ns = expires_at ? to_ns(*expires_at) : 0;
  if (expires_at && expires_ns == 0) expires_ns = 1;  // the epoch itself: already expired, not "never"

  std::unique_lock lock(mutex_);
  std::vector<EntryId> evicted;
  if (auto it = slot_of_.find(id); it != slot_of_.end()) {
    // A replaced vector moves in the graph: hide the old point, insert the new one.
    release_slot_locked(it->second);
  }
  while (slot_of_.size() >= options_.capacity && lru_tail_ != kNoSlot) {
    const std::uint32_t victim = lru_tail_;
    evicted.push_back(slots_[victim].id);
    release_slot_locked(victim);
  }
  auto slot = take_free_slot_locked();
  if (!slot) return slot.error();
  try {
    // On a reused (hidden) label hnswlib un-hides it and re-links it at the new position.
    graph_->addPoint(unit->data(), *slot);
  } catch (const std::exception& e) {
    free_slots_.push_back(*slot);
    return Error(Errc::internal, std::string("vector index insert failed: ") + e.what());
  }
  Slot& s = slots_[*slot];
  s.id = id;
  s.expires_ns = expires_ns;
  s.live = true;
  slot_of_[id] = *slot;
  index_fingerprint_locked(*slot, fingerprint(*unit));
  postings_.assign(*slot, terms);
  {
    std::lock_guard lru(lru_mutex_);
    lru_push_front_locked(*slot);
  }
  if (expires_ns != 0) {
    expiry_heap_.push_back({expires_ns, *slot, s.generation});
    std::push_heap(expiry_heap_.begin(), expiry_heap_.end(), std::greater<>());
  }
  return evicted;
}

bool VectorIndex::set_terms(EntryId id, std::span<const Term> terms) {
  std::unique_lock lock(mutex_);
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return false;
  postings_.assign(it->second, terms);
  return true;
}

std::vector<EntryId> VectorIndex::ids_without_terms() const {
  std::shared_lock lock(mutex_);
  std::vector<EntryId> ids;
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (slots_[slot].live && postings_.terms_of(slot).empty()) ids.push_back(slots_[slot].id);
  }
  return ids;
}

bool VectorIndex::remove(EntryId id) {
  std::unique_lock lock(mutex_);
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return false;
  release_slot_locked(it->second);
  return true;
}

Result<std::vector<Match>> VectorIndex::search(std::span<const float> query,
                                               const SearchRequest& request) const {
  auto unit = normalised_copy(query, options_.dimension);
  if (!unit) return unit.error();
  std::vector<Match> out;
  if (request.k == 0) return out;
  const std::int64_t now_ns = to_ns(request.now);

  std::shared_lock lock(mutex_);
  if (slot_of_.empty()) return out;
  // Ask for more than k: expired entries are still in the graph until remove_expired() runs.
  // Up to ef_search results cost nothing extra (hnswlib explores ef candidates anyway).
  const std::size_t want = std::max(request.k, std::min(request.k * 4, options_.ef_search));
  std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
  try {
    found = graph_->searchKnn(unit->data(), want);
  } catch (const std::exception& e) {
    return Error(Errc::internal, std::string("vector index search failed: ") + e.what());
  }
  out.reserve(found.size() + 1);
  while (!found.empty()) {  // farthest first
    const auto [distance, label] = found.top();
    found.pop();
    const Slot& s = slots_[label];
    const float similarity = 1.0f - distance;
    if (!s.live || expired(s.expires_ns, now_ns) || similarity < request.min_similarity) continue;
    out.push_back({s.id, similarity});
  }
  std::reverse(out.begin(), out.end());
  if (auto copy = identical_locked(*unit, now_ns); copy && copy->similarity >= request.min_similarity) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const Match& m) { return m.id == copy->id; });
    if (!listed) out.push_back(*copy);
  }
  if (!request.terms.empty() && options_.term_candidates > 0) add_term_matches_locked(*unit, request, now_ns, out);
  // Most similar first; among equals the smaller id, so the order does not depend on which path
  // found a match.
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  });
  if (out.size() > request.k) out.resize(request.k);
  return out;
}

void VectorIndex::add_term_matches_locked(std::span<const float> unit, const SearchRequest& request,
                                          std::int64_t now_ns, std::vector<Match>& out) const {
  std::vector<std::uint32_t> candidates;
  postings_.candidates(request.terms, options_.term_candidates, candidates);
  if (candidates.empty()) return;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<EntryId> listed;
  listed.reserve(out.size());
  for (const Match& m : out) listed.push_back(m.id);
  std::sort(listed.begin(), listed.end());
  // First where each vector is, then the products, fetching the next vector while one is
  // compared: the candidates are scattered over the whole index, so memory latency dominates.
  std::vector<std::pair<const float*, EntryId>> vectors;
  vectors.reserve(candidates.size());
  for (std::uint32_t slot : candidates) {
    const Slot& s = slots_[slot];
    if (!s.live || expired(s.expires_ns, now_ns) || std::binary_search(listed.begin(), listed.end(), s.id)) continue;
    const auto stored = stored_vector_locked(slot);
    if (!stored.empty()) vectors.emplace_back(stored.data(), s.id);
  }
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    if (i + 1 < vectors.size()) {
      const char* next = reinterpret_cast<const char*>(vectors[i + 1].first);
      for (std::size_t line = 0; line < options_.dimension * sizeof(float); line += 64) __builtin_prefetch(next + line);
    }
    // hnswlib's own (SIMD) inner-product distance: the same number the graph path reports.
    const float similarity =
        1.0f - graph_->fstdistfunc_(unit.data(), vectors[i].first, graph_->dist_func_param_);
    if (similarity >= request.min_similarity) out.push_back({vectors[i].second, similarity});
  }
}

std::span<const float> VectorIndex::stored_vector_locked(std::uint32_t slot) const {
  auto it = graph_->label_lookup_.find(slot);
  if (it == graph_->label_lookup_.end()) return {};
  return {reinterpret_cast<const float*>(graph_->getDataByInternalId(it->second)), options_.dimension};
}

void VectorIndex::index_fingerprint_locked(std::uint32_t slot, std::uint64_t fingerprint) {
  slots_[slot].fingerprint = fingerprint;
  slots_of_fingerprint_.emplace(fingerprint, slot);
}

std::optional<Match> VectorIndex::identical_locked(std::span<const float> unit, std::int64_t now_ns) const {
  for (auto [it, end] = slots_of_fingerprint_.equal_range(fingerprint(unit)); it != end; ++it) {
    const Slot& s = slots_[it->second];
    if (!s.live || expired(s.expires_ns, now_ns)) continue;
    const auto stored = stored_vector_locked(it->second);
    if (stored.empty()) continue;
    // The similarity is computed, not assumed: a fingerprint collision then ranks as what it is.
    return Match{s.id, dot(unit, stored)};
  }
  return std::nullopt;
}

void VectorIndex::touch(EntryId id) {
  std::shared_lock lock(mutex_);
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return;
  std::lock_guard lru(lru_mutex_);
  lru_unlink_locked(it->second);
  lru_push_front_locked(it->second);
}

std::vector<EntryId> VectorIndex::remove_expired(Clock::time_point now) {
  const std::int64_t now_ns = to_ns(now);
  std::vector<EntryId> removed;
  std::unique_lock lock(mutex_);
  while (!expiry_heap_.empty() && expiry_heap_.front().expires_ns <= now_ns) {
    std::pop_heap(expiry_heap_.begin(), expiry_heap_.end(), std::greater<>());
    const ExpiryRecord record = expiry_heap_.back();
    expiry_heap_.pop_back();
    const Slot& s = slots_[record.slot];
    if (!s.live || s.generation != record.generation) continue;  // removed or reused since
    removed.push_back(s.id);
    release_slot_locked(record.slot);
  }
  return removed;
}

void VectorIndex::set_ef_search(std::size_t ef) {
  if (ef == 0) return;
  std::unique_lock lock(mutex_);  // hnswlib reads ef_ in every search
  options_.ef_search = ef;
  graph_->setEf(ef);
}

bool VectorIndex::contains(EntryId id) const {
  std::shared_lock lock(mutex_);
  return slot_of_.contains(id);
}

std::size_t VectorIndex::size() const {
  std::shared_lock lock(mutex_);
  return slot_of_.size();
}

std::size_t VectorIndex::slot_count() const {
  std::shared_lock lock(mutex_);
  return slots_.size();
}

std::size_t VectorIndex::memory_bytes() const {
  std::shared_lock lock(mutex_);
  const std::size_t allocated = graph_->max_elements_;
  // hnswlib per allocated element: level-0 block (vector + links + label), the upper-level
  // pointer, the level number and a mutex; upper-level links for ~1/m of the points.
  std::size_t bytes = allocated * (graph_->size_data_per_element_ + sizeof(void*) + sizeof(int) +
                                   sizeof(std::mutex));
  bytes += slots_.size() * graph_->size_links_per_element_ / std::max<std::size_t>(options_.m - 1, 1);
  // hnswlib's label map and ours: roughly a node plus a bucket per entry.
  const std::size_t map_entry = sizeof(void*) * 2 + sizeof(EntryId) + sizeof(std::size_t) + sizeof(void*);
  bytes += 3 * slots_.size() * map_entry;  // with the fingerprint map
  bytes += postings_.memory_bytes();
  bytes += slots_.capacity() * sizeof(Slot) + free_slots_.capacity() * sizeof(std::uint32_t) +
           expiry_heap_.capacity() * sizeof(ExpiryRecord);
  return bytes;
}

}  // namespace ragcache::index
