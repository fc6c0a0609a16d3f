// VectorIndex::save / VectorIndex::load: a snapshot as two files. hnswlib writes and reads its
// graph itself (`<path>.hnsw`); our bookkeeping goes beside it (`<path>.slots`):
//   "RCVIDX02" | u64 dimension | u64 m | u64 slot count | per slot: u64 id, i64 expires_ns, u8 live,
//   u8 term count, u32 terms | u64 recency length | u32 slots, most recently hit first.
// "RCVIDX01" (the same without the terms) still loads: its entries have no terms until
// set_terms() gives them some.
// Little-endian host order: a snapshot is for the machine (architecture) that wrote it.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>

#include "index/vector_index.h"
#include "index/vector_math.h"

namespace ragcache::index {
namespace {

constexpr char kMagic[8] = {'R', 'C', 'V', 'I', 'D', 'X', '0', '2'};
constexpr char kMagicWithoutTerms[8] = {'R', 'C', 'V', 'I', 'D', 'X', '0', '1'};

template <typename T>
void put(std::ofstream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
bool get(std::ifstream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof(T)));
}

Error corrupt(const std::string& path, const std::string& what) {
  return Error(Errc::invalid_argument, "vector index snapshot " + path + ": " + what);
}

}  // namespace

Result<void> VectorIndex::save(const std::string& path) const {
  std::shared_lock lock(mutex_);
  if (auto saved = save_graph_locked(path + ".hnsw"); !saved) return saved;
  std::ofstream out(path + ".slots", std::ios::binary | std::ios::trunc);
  out.write(kMagic, sizeof(kMagic));
  put<std::uint64_t>(out, options_.dimension);
  put<std::uint64_t>(out, options_.m);
  put<std::uint64_t>(out, slots_.size());
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    put<std::uint64_t>(out, s.id);
    put<std::int64_t>(out, s.expires_ns);
    put<std::uint8_t>(out, s.live ? 1 : 0);
    const auto terms = postings_.terms_of(i);  // at most TermPostings::kMaxTermsPerSlot
    put<std::uint8_t>(out, static_cast<std::uint8_t>(terms.size()));
    out.write(reinterpret_cast<const char*>(terms.data()), static_cast<std::streamsize>(terms.size_bytes()));
  }
  std::vector<std::uint32_t> recency;
  {
    std::lock_guard lru(lru_mutex_);
    for (std::uint32_t slot = lru_head_; slot != kNoSlot; slot = slots_[slot].lru_next) recency.push_back(slot);
  }
  put<std::uint64_t>(out, recency.size());
  out.write(reinterpret_cast<const char*>(recency.data()),
            static_cast<std::streamsize>(recency.size() * sizeof(std::uint32_t)));
  out.close();
  if (!out) return Error(Errc::internal, "cannot write " + path + ".slots");
  return Result<void>();
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::load(const VectorIndexOptions& options, const std::string& path) {
  auto created = create(options);
  if (!created) return created.error();
  auto& index = **created;

  std::ifstream in(path + ".slots", std::ios::binary);
  if (!in) return corrupt(path, "cannot open .slots");
  char magic[sizeof(kMagic)];
  std::uint64_t dimension = 0, m = 0, count = 0;
  if (!in.read(magic, sizeof(magic))) return corrupt(path, "bad magic");
  const bool with_terms = std::memcmp(magic, kMagic, sizeof(kMagic)) == 0;
  if (!with_terms && std::memcmp(magic, kMagicWithoutTerms, sizeof(kMagic)) != 0) return corrupt(path, "bad magic");
  if (!get(in, dimension) || !get(in, m) || !get(in, count)) return corrupt(path, "truncated header");
  if (dimension != options.dimension || m != options.m) return corrupt(path, "dimension or m differs from the options");
  if (count > options.capacity) return corrupt(path, "more slots than the capacity");

  if (auto graph = index.load_graph(path + ".hnsw", count); !graph) return corrupt(path, graph.error().message());

  index.slots_.resize(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Slot& s = index.slots_[i];
    std::uint8_t live = 0;
    if (!get(in, s.id) || !get(in, s.expires_ns) || !get(in, live)) return corrupt(path, "truncated slots");
    s.live = live != 0;
    std::uint8_t term_count = 0;
    Term terms[TermPostings::kMaxTermsPerSlot];
    if (with_terms) {
      if (!get(in, term_count) || term_count > TermPostings::kMaxTermsPerSlot ||
          !in.read(reinterpret_cast<char*>(terms), static_cast<std::streamsize>(term_count * sizeof(Term)))) {
        return corrupt(path, "truncated or bad terms");
      }
    }
    if (s.live) {
      if (!index.slot_of_.emplace(s.id, i).second) return corrupt(path, "duplicate id");
      // Fingerprints are not in the snapshot: they are recomputed from the stored unit vectors.
      const auto stored = index.stored_vector_locked(i);
      if (stored.empty()) return corrupt(path, "a live slot has no point in the graph");
      index.index_fingerprint_locked(i, fingerprint(stored));
      index.postings_.assign(i, std::span<const Term>(terms, term_count));
      if (s.expires_ns != 0) index.expiry_heap_.push_back({s.expires_ns, i, s.generation});
    } else {
      index.free_slots_.push_back(i);
    }
  }
  std::make_heap(index.expiry_heap_.begin(), index.expiry_heap_.end(), std::greater<>());
  std::uint64_t recency_length = 0;
  if (!get(in, recency_length) || recency_length != index.slot_of_.size()) return corrupt(path, "bad recency list");
  // Pushed least recent first, so the saved head ends up the head again.
  std::vector<std::uint32_t> recency(recency_length);
  if (!in.read(reinterpret_cast<char*>(recency.data()), static_cast<std::streamsize>(recency.size() * sizeof(std::uint32_t)))) {
    return corrupt(path, "truncated recency list");
  }
  std::vector<bool> listed(count, false);
  for (auto it = recency.rbegin(); it != recency.rend(); ++it) {
    if (*it >= count || !index.slots_[*it].live || listed[*it]) return corrupt(path, "bad slot in the recency list");
    listed[*it] = true;
    index.lru_push_front_locked(*it);
  }
  return created;
}

}  // namespace ragcache::index
