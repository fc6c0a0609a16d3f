#include "base/vector_bytes.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ragcache {
namespace {

TEST(VectorBytes, RoundTripsAndRejectsPartialFloats) {
  const std::vector<float> v{0.5f, -1.25f, 3.0f};
  auto bytes = encode_vector_bytes(v);
  EXPECT_EQ(bytes.size(), 12u);
  EXPECT_EQ(decode_vector_bytes(bytes).value(), v);
  EXPECT_FALSE(decode_vector_bytes(bytes.substr(0, 5)));
}

TEST(VectorBytes, RejectsNonFiniteComponents) {
  const std::vector<float> nan{1.0f, std::nanf("")};
  EXPECT_FALSE(decode_vector_bytes(encode_vector_bytes(nan)));
}

}  // namespace
}  // namespace ragcache
