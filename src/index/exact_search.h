// Exact (brute-force) nearest neighbours by cosine: the reference the HNSW index is measured
// against in tests and benchmarks (recall@k). O(n * dimension) per query.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "index/vector_index.h"

namespace ragcache::index {

// `rows` holds n unit vectors of `dimension` floats back to back; row i has id ids[i].
// `query` must be unit length too. Returns the best k, most similar first.
std::vector<Match> exact_search(std::span<const float> rows, std::span<const EntryId> ids,
                                std::size_t dimension, std::span<const float> query, std::size_t k);

}  // namespace ragcache::index
