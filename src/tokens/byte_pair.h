// Byte-pair merging of one pre-tokenized piece, exactly as OpenAI's tiktoken does it.
//
// Start from single bytes; repeatedly merge the adjacent pair whose concatenation has the lowest
// rank (on a tie, the leftmost pair) until no adjacent pair is a token. The resulting parts are the
// piece's tokens. Short pieces use tiktoken's own quadratic scan over a stack array (fastest for the
// few bytes most pieces have); long pieces (runs of whitespace, base64 blobs, minified code) use a
// heap of candidate pairs keyed by (rank, position), which picks the same pair at every step in
// O(n log n) instead of O(n^2).
//
// Callers look the whole piece up first (tiktoken does, and most pieces are one token); these
// functions assume every single byte has a rank (Encoding checks this when it is built).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "tokens/rank_map.h"

namespace ragcache::tokens {

// Pieces up to this many bytes use the quadratic scan, longer ones the heap.
inline constexpr std::size_t kSmallPieceBytes = 256;

// Appends the tokens of `piece` (non-empty) to `out`.
void byte_pair_encode(std::string_view piece, const RankMap& ranks, std::vector<Rank>& out);

// The number of tokens byte_pair_encode would append.
std::size_t byte_pair_count(std::string_view piece, const RankMap& ranks);

}  // namespace ragcache::tokens
