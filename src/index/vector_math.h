// Small vector helpers shared by the index and its tests/benchmarks: cosine similarity on
// L2-normalised vectors is a plain dot product, so everything here keeps vectors normalised.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"

namespace ragcache::index {

using Vector = std::vector<float>;

float dot(std::span<const float> a, std::span<const float> b);

// A unit-length copy of `v`. Errors (invalid_argument) on a wrong dimension, a NaN/Inf
// component or an all-zero vector: none of those has a direction to compare.
Result<Vector> normalised_copy(std::span<const float> v, std::size_t expected_dimension);

// A 64-bit hash of the exact bits of `v`: equal vectors (e.g. the embeddings of one text) have
// equal fingerprints. Not a similarity measure: any change of any component changes it.
std::uint64_t fingerprint(std::span<const float> v);

}  // namespace ragcache::index
