// The small vector loops of the neural encoder (layer norm, attention, pooling), written so the
// compiler vectorises them, and built for AVX-512, AVX2 and the baseline with the best picked
// at run time (GCC target_clones). Sums use 16 running lanes: the same order on every machine
// and every clone, so results do not depend on which clone runs.
#pragma once

#include <cstddef>

namespace ragcache::embed::vec {

// Sum of x[0..n).
float sum(const float* x, std::size_t n);
// Sum of (x[i] - centre)^2.
float sum_squared_deviation(const float* x, std::size_t n, float centre);
// y[i] += a * x[i].
void axpy(float a, const float* x, float* y, std::size_t n);
// y[i] += x[i].
void add(const float* x, float* y, std::size_t n);
// y[i] = scale[i] * factor * (x[i] - centre) + bias[i]  (one row of a layer norm).
void normalise(const float* x, std::size_t n, float centre, float factor, const float* scale, const float* bias,
               float* y);

}  // namespace ragcache::embed::vec
