#include "index/vector_math.h"

#include <cmath>
#include <cstring>
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

std::uint64_t fingerprint(std::span<const float> v) {
  // FNV-1a over each component's bits, 32 at a time, then a final avalanche (splitmix64's) so
  // that the low bits, which unordered_map buckets use, depend on every component.
  std::uint64_t h = 14695981039346656037ull;
  for (float x : v) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    h = (h ^ bits) * 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

}  // namespace ragcache::index
