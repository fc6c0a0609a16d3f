#include "tokens/byte_pair.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <queue>

namespace ragcache::tokens {
namespace {

struct Part {
  std::uint32_t start;
  Rank rank;  // rank of the pair (this part + the next one), kNoRank if none
};

// tiktoken's merge loop over at most kSmallPieceBytes + 1 parts, on the stack. Calls
// emit(start, end) for each final part in order; returns the number of parts.
template <class Emit>
std::size_t merge_small(std::string_view piece, const RankMap& ranks, Emit&& emit) {
  std::array<Part, kSmallPieceBytes + 1> parts;
  const std::size_t n = piece.size();
  std::size_t count = n + 1;  // parts plus the end sentinel
  for (std::size_t i = 0; i + 1 < n; ++i) {
    parts[i] = {static_cast<std::uint32_t>(i), ranks.find(piece.substr(i, 2))};
  }
  parts[n - 1] = {static_cast<std::uint32_t>(n - 1), kNoRank};
  parts[n] = {static_cast<std::uint32_t>(n), kNoRank};

  // Rank of parts[i] merged with the two parts after it (i.e. of the pair that exists once
  // parts[i + 1] is absorbed), or kNoRank when there is no such pair.
  auto rank_after_merge = [&](std::size_t i) {
    if (i + 3 >= count) return kNoRank;
    return ranks.find(piece.substr(parts[i].start, parts[i + 3].start - parts[i].start));
  };

  while (true) {
    Rank best = kNoRank;
    std::size_t at = 0;
    for (std::size_t i = 0; i + 1 < count; ++i) {
      if (parts[i].rank < best) {
        best = parts[i].rank;
        at = i;
      }
    }
    if (best == kNoRank) break;
    if (at > 0) parts[at - 1].rank = rank_after_merge(at - 1);
    parts[at].rank = rank_after_merge(at);
    std::copy(parts.begin() + at + 2, parts.begin() + count, parts.begin() + at + 1);
    --count;
  }
  for (std::size_t i = 0; i + 1 < count; ++i) emit(parts[i].start, parts[i + 1].start);
  return count - 1;
}

// The same merge order with a min-heap of candidate pairs and a doubly linked list of parts.
// A heap entry is stale once either part it joins has changed; a per-part version number
// detects that when the entry is popped.
template <class Emit>
std::size_t merge_large(std::string_view piece, const RankMap& ranks, Emit&& emit) {
  const std::size_t n = piece.size();
  std::vector<std::uint32_t> next(n), prev(n), version(n, 0);
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    next[i] = static_cast<std::uint32_t>(i + 1);  // n = end
    prev[i] = static_cast<std::uint32_t>(i == 0 ? n : i - 1);
  }
  struct Candidate {
    Rank rank;
    std::uint32_t start;  // also the index of the left part: parts are keyed by their first byte
    std::uint32_t version;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : start > o.start; }
  };
  std::vector<Candidate> storage;
  storage.reserve(n);
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap(std::greater<>{},
                                                                              std::move(storage));
  auto end_of = [&](std::uint32_t part) { return part == n ? n : static_cast<std::size_t>(next[part]); };
  auto push_pair = [&](std::uint32_t left) {
    const std::uint32_t right = next[left];
    if (right >= n) return;
    const Rank r = ranks.find(piece.substr(left, end_of(right) - left));
    if (r != kNoRank) heap.push({r, left, version[left]});
  };
  for (std::uint32_t i = 0; i + 1 < n; ++i) push_pair(i);

  std::size_t parts = n;
  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    if (!alive[c.start] || c.version != version[c.start]) continue;
    const std::uint32_t right = next[c.start];
    // Absorb `right` into c.start.
    alive[right] = false;
    next[c.start] = next[right];
    if (next[right] < n) prev[next[right]] = c.start;
    --parts;
    ++version[c.start];
    push_pair(c.start);
    if (c.start != 0) {
      const std::uint32_t left = prev[c.start];
      ++version[left];
      push_pair(left);
    }
  }
  for (std::uint32_t i = 0; i < n; i = next[i]) emit(i, next[i]);
  return parts;
}

template <class Emit>
std::size_t merge(std::string_view piece, const RankMap& ranks, Emit&& emit) {
  if (piece.size() <= 1) {
    if (piece.size() == 1) emit(0, 1);
    return piece.size();
  }
  if (piece.size() <= kSmallPieceBytes) return merge_small(piece, ranks, emit);
  return merge_large(piece, ranks, emit);
}

}  // namespace

void byte_pair_encode(std::string_view piece, const RankMap& ranks, std::vector<Rank>& out) {
  merge(piece, ranks, [&](std::size_t start, std::size_t end) {
    out.push_back(ranks.find(piece.substr(start, end - start)));
  });
}

std::size_t byte_pair_count(std::string_view piece, const RankMap& ranks) {
  return merge(piece, ranks, [](std::size_t, std::size_t) {});
}

}  // namespace ragcache::tokens
