#include "tokens/rank_map.h"

#include <cstring>

namespace ragcache::tokens {
namespace {

inline std::uint64_t mix(std::uint64_t x) {
  // The splitmix64 finaliser: cheap, and every input bit reaches every output bit.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

inline std::uint64_t load_prefix(const char* p, std::size_t n) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, n < 8 ? n : 8);
  return v;
}

inline std::uint64_t hash_key(std::uint64_t prefix, const char* p, std::size_t n) {
  std::uint64_t h = mix(prefix ^ (static_cast<std::uint64_t>(n) * 0x9E3779B97F4A7C15ull));
  for (std::size_t i = 8; i < n; i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, p + i, n - i < 8 ? n - i : 8);
    h = mix(h ^ v);
  }
  return h;
}

}  // namespace

bool RankMap::insert(std::string_view bytes, Rank rank) {
  if (bytes.empty() || bytes.size() > kMaxTokenBytes || rank == kNoRank) return false;
  if (arena_.size() + bytes.size() >= (1u << 24)) return false;  // offset must fit in 24 bits
  if (find(bytes) != kNoRank) return false;
  if ((size_ + 1) * 2 > slots_.size()) grow();
  Slot slot;
  slot.prefix = load_prefix(bytes.data(), bytes.size());
  slot.rank = rank;
  slot.offset_len = static_cast<std::uint32_t>(arena_.size()) << 8 | static_cast<std::uint32_t>(bytes.size());
  arena_.append(bytes);
  place(slot, hash_key(slot.prefix, bytes.data(), bytes.size()));
  ++size_;
  if (bytes.size() > max_length_) max_length_ = bytes.size();
  if (bytes.size() <= 2) {
    if (short_.empty()) short_.assign(256 + 65536, kNoRank);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    short_[bytes.size() == 1 ? p[0] : 256 + (p[0] << 8 | p[1])] = rank;
  }
  if (rank >= by_rank_.size()) by_rank_.resize(static_cast<std::size_t>(rank) + 1);
  by_rank_[rank] = {slot.offset_len >> 8, static_cast<std::uint32_t>(bytes.size())};
  return true;
}

void RankMap::place(const Slot& slot, std::uint64_t hash) {
  std::uint64_t i = hash & mask_;
  while (slots_[i].rank != kNoRank) i = (i + 1) & mask_;
  slots_[i] = slot;
}

void RankMap::grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t capacity = old.empty() ? 1024 : old.size() * 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (const Slot& s : old) {
    if (s.rank == kNoRank) continue;
    const char* p = arena_.data() + (s.offset_len >> 8);
    place(s, hash_key(s.prefix, p, s.offset_len & 0xFF));
  }
}

Rank RankMap::find(std::string_view bytes) const noexcept {
  const std::size_t n = bytes.size();
  if (n <= 2 && !short_.empty()) {
    if (n == 0) return kNoRank;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    return short_[n == 1 ? p[0] : 256 + (p[0] << 8 | p[1])];
  }
  if (n > max_length_ || n == 0) return kNoRank;
  const char* p = bytes.data();
  const std::uint64_t prefix = load_prefix(p, n);
  std::uint64_t i = hash_key(prefix, p, n) & mask_;
  while (true) {
    const Slot& s = slots_[i];
    if (s.rank == kNoRank) return kNoRank;
    if (s.prefix == prefix && (s.offset_len & 0xFF) == n &&
        (n <= 8 || std::memcmp(arena_.data() + (s.offset_len >> 8) + 8, p + 8, n - 8) == 0)) {
      return s.rank;
    }
    i = (i + 1) & mask_;
  }
}

std::string_view RankMap::bytes_of(Rank rank) const noexcept {
  if (rank >= by_rank_.size() || by_rank_[rank].length == 0) return {};
  return std::string_view(arena_).substr(by_rank_[rank].offset, by_rank_[rank].length);
}

}  // namespace ragcache::tokens
