// RankMap: token bytes -> rank (the token id), the table every byte-pair merge step looks into.
//
// BPE asks "is this byte string a token, and with what rank?" once per candidate pair, so this
// lookup is the hot path of the whole tokenizer. It is an open-addressing table (linear probing,
// load factor <= 1/2) of 16-byte slots that hold the first 8 bytes of the key inline: most tokens
// are at most 8 bytes long, so most lookups touch one cache line and never the byte arena.
// Keys of one or two bytes (a quarter of all lookups: every merge starts from byte pairs) skip the
// hash table and index a direct 64K-entry table. Immutable after building, so any number of
// threads may call find() at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::tokens {

using Rank = std::uint32_t;
inline constexpr Rank kNoRank = 0xFFFFFFFFu;

class RankMap {
 public:
  // Longest token the table accepts (real vocabularies stay far below it).
  static constexpr std::size_t kMaxTokenBytes = 255;

  RankMap() = default;

  // Adds `bytes` (non-empty, at most kMaxTokenBytes) with `rank` (< kNoRank). Returns false, and
  // changes nothing, if `bytes` is already present or the arguments are out of range.
  bool insert(std::string_view bytes, Rank rank);

  // The rank of `bytes`, or kNoRank if it is not a token.
  Rank find(std::string_view bytes) const noexcept;

  // The bytes of token `rank`, or empty if no token has that rank.
  std::string_view bytes_of(Rank rank) const noexcept;

  std::size_t size() const noexcept { return size_; }

 private:
  struct Slot {
    std::uint64_t prefix = 0;      // first min(8, length) key bytes, zero padded
    Rank rank = kNoRank;           // kNoRank marks an empty slot
    std::uint32_t offset_len = 0;  // arena offset << 8 | length
  };
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };

  void grow();
  void place(const Slot& slot, std::uint64_t hash);

  std::string arena_;        // every key's bytes, back to back
  std::vector<Slot> slots_;  // power-of-two size
  std::uint64_t mask_ = 0;
  std::size_t size_ = 0;
  std::size_t max_length_ = 0;  // longer keys are rejected without hashing
  std::vector<Span> by_rank_;   // rank -> bytes, for decoding
  std::vector<Rank> short_;     // [0, 256): one-byte keys; [256 + (b0 << 8 | b1)]: two-byte keys
};

}  // namespace ragcache::tokens
