// TermPostings: for one VectorIndex, which slots hold each term (a hashed word of the entry's
// question), so that a query can be compared with every entry that shares its rarest words.
//
// Why: on near-orthogonal vectors (the built-in embedder's hashed n-grams: two unrelated
// questions have cosine ~0.3) HNSW's greedy walk misses a growing share of the stored questions
// a query nearly repeats (measured at 1M entries, ef_search 128: one would-be hit in nine). A
// near-repeat shares the stored question's words, so the entries listed under the query's
// rarest words are a small candidate set that contains it whatever the graph's shape; the index
// ranks them by exact cosine together with the graph's matches.
//
// Terms are opaque 32-bit numbers (the caller hashes words; a collision only adds candidates).
// A term listed by more than `max_list` slots is "saturated": too common to narrow anything, its
// list is freed and it is never listed again, which bounds memory to ~4 bytes per (entry, rare
// term) plus the terms kept per slot.
//
// Not thread-safe: VectorIndex calls it under its own lock (candidates() under the reader lock).
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace ragcache::index {

using Term = std::uint32_t;

class TermPostings {
 public:
  static constexpr std::size_t kDefaultMaxList = 4096;
  static constexpr std::size_t kMaxTermsPerSlot = 32;

  explicit TermPostings(std::size_t max_list = kDefaultMaxList) : max_list_(max_list) {}

  // Lists `slot` under each distinct term (at most kMaxTermsPerSlot of them), replacing the
  // terms it had. An empty span just clears it.
  void assign(std::uint32_t slot, std::span<const Term> terms);
  // Takes `slot` off every list it is on.
  void clear(std::uint32_t slot);

  // The terms `slot` is listed under (for snapshots).
  std::span<const Term> terms_of(std::uint32_t slot) const;

  // Appends to `out` at most `budget` slots listed under the query's terms: every slot of every
  // list when they add up to no more; otherwise the slots on at least two of the three rarest
  // lists (in slot order, up to the budget), or, with a single list, that list if it fits.
  // Saturated and unknown terms add nothing. `out` may hold a slot more than once.
  void candidates(std::span<const Term> query, std::size_t budget, std::vector<std::uint32_t>& out) const;

  std::size_t memory_bytes() const;

 private:
  struct List {
    std::vector<std::uint32_t> slots;
    bool saturated = false;
  };
  std::size_t max_list_;
  std::unordered_map<Term, List> lists_;
  std::vector<std::vector<Term>> terms_of_slot_;  // by slot
};

}  // namespace ragcache::index
