#include "index/similarity_threshold.h"

#include <gtest/gtest.h>

namespace ragcache::index {
namespace {

TEST(SimilarityThresholds, PerCallBeatsNamespaceBeatsDefault) {
  auto t = SimilarityThresholds::create(0.8f).value();
  ASSERT_TRUE(t.set_for_namespace("legal", 0.95f));
  EXPECT_FLOAT_EQ(t.resolve("").value(), 0.8f);
  EXPECT_FLOAT_EQ(t.resolve("other").value(), 0.8f);
  EXPECT_FLOAT_EQ(t.resolve("legal").value(), 0.95f);
  EXPECT_FLOAT_EQ(t.resolve("legal", 0.7f).value(), 0.7f);
}

TEST(SimilarityThresholds, RejectsOutOfRange) {
  EXPECT_FALSE(SimilarityThresholds::create(1.5f));
  auto t = SimilarityThresholds::create(0.8f).value();
  EXPECT_FALSE(t.set_for_namespace("x", -2.0f));
  EXPECT_FALSE(t.resolve("", 1.01f));
  EXPECT_FALSE(t.resolve("", std::numeric_limits<float>::quiet_NaN()));
}

}  // namespace
}  // namespace ragcache::index
