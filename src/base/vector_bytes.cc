#include "base/vector_bytes.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace ragcache {

static_assert(std::endian::native == std::endian::little, "stored vectors are little-endian float32");

std::string encode_vector_bytes(std::span<const float> vector) {
  std::string out(vector.size() * sizeof(float), '\0');
  if (!vector.empty()) std::memcpy(out.data(), vector.data(), out.size());
  return out;
}

Result<std::vector<float>> decode_vector_bytes(std::string_view bytes) {
  if (bytes.size() % sizeof(float) != 0) {
    return Error(Errc::invalid_argument, "stored vector is not a whole number of float32");
  }
  std::vector<float> v(bytes.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
  for (float f : v) {
    if (!std::isfinite(f)) return Error(Errc::invalid_argument, "stored vector has a non-finite component");
  }
  return v;
}

}  // namespace ragcache
