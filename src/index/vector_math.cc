#include "index/vector_math.h"

#include <cmath>
#include <string>

namespace ragcache::index {

float dot(std::span<const float> a, std::span<const float> b) {
  float sum = 0.0f;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

Result<Vector> normalised_copy(std::span<const float> v, std::size_t expected_dimension) {
  if (v.size() != expected_dimension) {
    return Error(Errc::invalid_argument, "vector has " + std::to_string(v.size()) +
                                             " dimensions, expected " +
                                             std::to_string(expected_dimension));
  }
  double norm2 = 0.0;
  for (float x : v) {
    if (!std::isfinite(x)) return Error(Errc::invalid_argument, "vector has a NaN or infinite component");
    norm2 += static_cast<double>(x) * x;
  }
  if (norm2 <= 0.0) return Error(Errc::invalid_argument, "vector is all zeros");
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm2));
  Vector out(v.begin(), v.end());
  for (float& x : out) x *= inv;
  return out;
}

}  // namespace ragcache::index
