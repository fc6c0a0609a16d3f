// VectorIndex: the approximate nearest-neighbour index of ONE partition of the semantic cache.
//
// What it holds: up to `capacity` live entries, each an EntryId (chosen by the caller, e.g. the
// 64-bit id inside a `rag:sem:<p>:<id>` key), a unit-length vector and an optional expiry time.
// Similarity is cosine: vectors are L2-normalised on the way in, and hnswlib's inner-product
// space on unit vectors gives distance = 1 - cosine.
//
// How entries leave:
//   - remove(id): deleted in Redis, or replaced by a newer version;
//   - expiry: an expired entry is never returned by search(), and remove_expired(now) (called
//     periodically by the owner) frees its slot;
//   - eviction: inserting beyond `capacity` evicts the least recently hit entries first. "Hit"
//     means: inserted, or reported with touch() after a lookup served it.
//
// hnswlib 0.6.2 cannot really delete: markDelete only hides a point. So the index keeps a free
// list of hidden slots and reuses them for new entries (hnswlib's addPoint on an existing label
// re-links the point at its new position). Memory is therefore bounded by `capacity` slots, not
// by the number of inserts ever made. Slots grow by doubling up to `capacity`.
//
// Identical vectors are always found: HNSW's greedy search can miss even an exact copy of a
// stored vector when the data is near-orthogonal, as the built-in embedder's hashed n-grams are
// (measured: 3% of repeated questions at 100k entries, ~30% at 1M with ef_search 64). A repeat of
// a stored question that differs only in what the embedder normalises away (case, spacing) is
// the commonest semantic hit, so search() also looks the query up by its exact fingerprint
// (vector_math.h) and ranks that entry with the graph's matches.
//
// Near-repeats are found too when the caller gives terms (hashed words of the question, see
// term_postings.h) with each entry and each query: the entries that share the query's rarest
// terms are compared by exact cosine (at most `term_candidates` of them) and ranked with the
// graph's matches. Without terms, search() is the graph (and fingerprint) alone.
//
// Thread safety: all methods may be called from any thread. Searches share a reader lock;
// upsert/remove/remove_expired take the writer lock (hnswlib is not safe for a search concurrent
// with a resize or a re-link of a reused slot). touch() only takes a small mutex over the
// recency list, so a hit never blocks other searches.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "index/term_postings.h"
#include "index/vector_math.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace ragcache::index {

using EntryId = std::uint64_t;
using Clock = std::chrono::system_clock;  // expiry times are wall-clock: they come from Redis TTLs

struct VectorIndexOptions {
  std::size_t dimension = 384;
  // Most live entries kept; inserting more evicts the least recently hit.
  std::size_t capacity = 100'000;
  // Slots allocated up front; doubles when full, never beyond `capacity`.
  std::size_t initial_slots = 1024;
  // hnswlib graph parameters: links per node, and beam widths when building / searching.
  // Measured on built-in-embedder vectors (bench/semantic/README.md): the graph alone finds the
  // exact best match for 98-99% of near-duplicate queries at 100k entries with ef_search 128,
  // but only ~87% at 1M; M 32 / ef_construction 200 gains a few points at half the insert rate.
  // The question terms (term_candidates) close that gap for near-duplicates at any size (0.997
  // at 1M with ef_search 64), so ef_search stays at 64: a 1M-entry lookup's p99 ~1.1 ms instead
  // of ~1.5-2 ms at 128. A wider beam only improves the match found for questions whose best
  // match is far below any threshold.
  std::size_t m = 16;
  std::size_t ef_construction = 100;
  std::size_t ef_search = 64;
  std::size_t random_seed = 100;
  // Entries compared exactly per search through the query's rarest terms (0: never): whole word
  // lists, rarest first, while they fit. Each costs ~0.3 us at 384 dimensions (a scattered
  // 1.5 KB read), so this bounds what the terms add to a search (~80 us at 256).
  std::size_t term_candidates = 256;
};

struct Match {
  EntryId id = 0;
  float similarity = 0.0f;  // cosine in [-1, 1]
  friend bool operator==(const Match&, const Match&) = default;
};

struct SearchRequest {
  std::size_t k = 1;                // best k matches at most
  float min_similarity = -1.0f;     // drop matches below this cosine
  Clock::time_point now = Clock::now();  // entries expiring at or before `now` are skipped
  std::span<const Term> terms{};    // the query's terms (see upsert); empty: graph only
};

class VectorIndex {
 public:
  // Validates the options (dimension > 0, capacity > 0, m >= 2).
  static Result<std::unique_ptr<VectorIndex>> create(const VectorIndexOptions& options);

  // Snapshot files (vector_index_snapshot.cc): `<path>.hnsw` (hnswlib's graph) and `<path>.slots`
  // (ids, expiries, recency order). Rebuilding a graph costs ~1 ms per entry at 1M entries;
  // loading one is a file read, so warm restarts and benchmarks can skip the rebuild.
  // save: internal on an I/O failure. load: `options` gives capacity and ef_search (dimension and
  // m must match the files); invalid_argument for a missing, corrupt or mismatching snapshot.
  Result<void> save(const std::string& path) const;
  static Result<std::unique_ptr<VectorIndex>> load(const VectorIndexOptions& options, const std::string& path);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Inserts `id`, or replaces its vector and expiry if present; the entry counts as just hit.
  // `vector` must have dimension() components, finite, not all zero (it is normalised here).
  // `expires_at` empty = never expires. `terms`: the hashed words of the entry's text, so
  // queries that share its rare words find it (term_postings.h). Returns the ids evicted to stay
  // within capacity.
  Result<std::vector<EntryId>> upsert(EntryId id, std::span<const float> vector,
                                      std::optional<Clock::time_point> expires_at = std::nullopt,
                                      std::span<const Term> terms = {});

  // Replaces the terms of `id` (e.g. an entry loaded from a snapshot written without them);
  // false if absent.
  bool set_terms(EntryId id, std::span<const Term> terms);
  // The live entries listed under no term (given none, or loaded from a snapshot without terms).
  std::vector<EntryId> ids_without_terms() const;

  // Removes `id`; false if it was not there.
  bool remove(EntryId id);

  // The best matches for `query` (any non-zero vector of dimension()), most similar first.
  Result<std::vector<Match>> search(std::span<const float> query, const SearchRequest& request) const;

  // Records that `id` was served by a lookup, so eviction keeps it longest. No-op if absent.
  void touch(EntryId id);

  // Drops every entry that expired at or before `now`; returns their ids.
  std::vector<EntryId> remove_expired(Clock::time_point now);

  // Changes the search beam width (recall vs latency) of later searches; 0 is ignored.
  void set_ef_search(std::size_t ef);

  bool contains(EntryId id) const;
  std::size_t size() const;          // live entries
  std::size_t slot_count() const;    // allocated slots (live + reusable)
  std::size_t dimension() const { return options_.dimension; }
  const VectorIndexOptions& options() const { return options_; }
  // Approximate heap bytes held (graph, vectors, bookkeeping).
  std::size_t memory_bytes() const;

 private:
  explicit VectorIndex(const VectorIndexOptions& options);

  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  struct Slot {
    EntryId id = 0;
    std::int64_t expires_ns = 0;  // since epoch; 0 = never
    std::uint32_t lru_prev = kNoSlot;  // towards the most recently hit
    std::uint32_t lru_next = kNoSlot;  // towards the least recently hit
    std::uint32_t generation = 0;      // bumped on every reuse: stale expiry records are ignored
    bool live = false;
    std::uint64_t fingerprint = 0;     // of the unit vector; key in slots_of_fingerprint_
  };
  struct ExpiryRecord {
    std::int64_t expires_ns;
    std::uint32_t slot;
    std::uint32_t generation;
    bool operator>(const ExpiryRecord& o) const { return expires_ns > o.expires_ns; }
  };

  // hnswlib's side of a snapshot (vector_index.cc is the one file that includes hnswlib: its
  // headers define globals). load_graph replaces the graph; `count` = the points it must hold.
  Result<void> save_graph_locked(const std::string& file) const;
  Result<void> load_graph(const std::string& file, std::size_t count);

  Result<std::uint32_t> take_free_slot_locked();  // grows the graph if needed
  void release_slot_locked(std::uint32_t slot);   // hides it in hnswlib, puts it on the free list
  void lru_push_front_locked(std::uint32_t slot);
  // The unit vector stored in hnswlib for a slot (no copy; valid under mutex_); empty if none.
  std::span<const float> stored_vector_locked(std::uint32_t slot) const;
  void index_fingerprint_locked(std::uint32_t slot, std::uint64_t fingerprint);
  // The live, unexpired entry whose vector is exactly `unit`, if any (the exact-copy lookup).
  std::optional<Match> identical_locked(std::span<const float> unit, std::int64_t now_ns) const;
  // Adds to `out` the live entries listed under the query's terms that `out` lacks, by exact
  // cosine, at or above `min_similarity`.
  void add_term_matches_locked(std::span<const float> unit, const SearchRequest& request, std::int64_t now_ns,
                               std::vector<Match>& out) const;
  void lru_unlink_locked(std::uint32_t slot);

  VectorIndexOptions options_;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;

  mutable std::shared_mutex mutex_;  // guards everything below except the recency links
  std::vector<Slot> slots_;          // index = hnswlib label
  std::unordered_map<EntryId, std::uint32_t> slot_of_;
  // The live slots by vector fingerprint (several entries may hold one vector).
  std::unordered_multimap<std::uint64_t, std::uint32_t> slots_of_fingerprint_;
  TermPostings postings_;  // slots by the terms of their entries
  std::vector<std::uint32_t> free_slots_;
  std::vector<ExpiryRecord> expiry_heap_;  // min-heap on expires_ns (std::greater)

  // Recency list over slots_ (lru_prev/lru_next). Taken after mutex_ when both are needed.
  mutable std::mutex lru_mutex_;
  std::uint32_t lru_head_ = kNoSlot;  // most recently hit
  std::uint32_t lru_tail_ = kNoSlot;  // least recently hit: evicted first
};

}  // namespace ragcache::index
