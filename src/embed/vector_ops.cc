#include "embed/vector_ops.h"

namespace ragcache::embed::vec {
namespace {

constexpr std::size_t kLanes = 16;

}  // namespace

#define RAGCACHE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

RAGCACHE_VECTOR_CLONES float sum(const float* x, std::size_t n) {
  float lanes[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) lanes[l] += x[i + l];
  }
  for (std::size_t l = 0; i < n; ++i, ++l) lanes[l] += x[i];
  float total = 0.0f;
  for (float v : lanes) total += v;
  return total;
}

RAGCACHE_VECTOR_CLONES float sum_squared_deviation(const float* x, std::size_t n, float centre) {
  float lanes[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) {
      const float d = x[i + l] - centre;
      lanes[l] += d * d;
    }
  }
  for (std::size_t l = 0; i < n; ++i, ++l) {
    const float d = x[i] - centre;
    lanes[l] += d * d;
  }
  float total = 0.0f;
  for (float v : lanes) total += v;
  return total;
}

RAGCACHE_VECTOR_CLONES void axpy(float a, const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

RAGCACHE_VECTOR_CLONES void add(const float* x, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += x[i];
}

RAGCACHE_VECTOR_CLONES void normalise(const float* x, std::size_t n, float centre, float factor, const float* scale,
                                      const float* bias, float* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] = scale[i] * factor * (x[i] - centre) + bias[i];
}

}  // namespace ragcache::embed::vec
