#include "domain/cache/ttl_policy.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragcache::cache {
namespace {

using std::chrono::milliseconds;

TEST(TtlPolicy, StaysWithinBaseAndBasePlusJitter) {
  const milliseconds base(86400000), jitter(3600000);
  EXPECT_EQ(jittered_ttl(base, jitter, 0), base);
  EXPECT_EQ(jittered_ttl(base, jitter, 3600000), base + jitter);
  EXPECT_EQ(jittered_ttl(base, jitter, 3600001), base);
  EXPECT_LE(jittered_ttl(base, jitter, ~0ull), base + jitter);
}

TEST(TtlPolicy, NoJitterMeansBase) {
  EXPECT_EQ(jittered_ttl(milliseconds(5000), milliseconds(0), 12345), milliseconds(5000));
  EXPECT_EQ(jittered_ttl(milliseconds(5000), milliseconds(-3), 12345), milliseconds(5000));
}

TEST(TtlPolicy, NonPositiveBaseBecomesOneMillisecond) {
  EXPECT_EQ(jittered_ttl(milliseconds(0), milliseconds(0), 7), milliseconds(1));
}

TEST(TtlPolicy, RandomDrawsCoverTheWholeRange) {
  const milliseconds base(1000), jitter(1000);
  std::vector<int> buckets(10, 0);
  for (int i = 0; i < 10000; ++i) {
    auto ttl = jittered_ttl(base, jitter);
    ASSERT_GE(ttl, base);
    ASSERT_LE(ttl, base + jitter);
    buckets[std::min<std::size_t>(9, static_cast<std::size_t>((ttl - base).count() / 100))]++;
  }
  for (int b : buckets) EXPECT_GT(b, 700);  // ~1000 expected per bucket
}

}  // namespace
}  // namespace ragcache::cache
