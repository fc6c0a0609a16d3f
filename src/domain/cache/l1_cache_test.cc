#include "domain/cache/l1_cache.h"

#include <gtest/gtest.h>

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;

TEST(L1Cache, HitVerifiesCanonicalAndExpires) {
  L1Cache l1(1 << 20, 100ms);
  auto t0 = L1Cache::Clock::now();
  l1.put("k", "", "canon", "answer", t0);
  EXPECT_EQ(l1.get("k", "canon", t0 + 50ms), "answer");
  EXPECT_FALSE(l1.get("k", "other", t0 + 50ms));
  EXPECT_FALSE(l1.get("k", "canon", t0 + 100ms));
  EXPECT_EQ(l1.size(), 0u);
}

TEST(L1Cache, EvictsLeastRecentlyUsedWithinByteBudget) {
  L1Cache l1(4000, 10s);
  auto t0 = L1Cache::Clock::now();
  std::string v(800, 'x');
  l1.put("a", "", "c", v, t0);
  l1.put("b", "", "c", v, t0);
  l1.put("c", "", "c", v, t0);
  ASSERT_TRUE(l1.get("a", "c", t0));  // a is now the most recent
  l1.put("d", "", "c", v, t0);
  l1.put("e", "", "c", v, t0);
  EXPECT_LE(l1.bytes(), 4000u);
  EXPECT_TRUE(l1.get("a", "c", t0));
  EXPECT_FALSE(l1.get("b", "c", t0));
  EXPECT_TRUE(l1.get("e", "c", t0));
}

TEST(L1Cache, RefusesEntriesAboveAQuarterOfTheBudget) {
  L1Cache l1(4000, 10s);
  l1.put("big", "", "c", std::string(1500, 'x'));
  EXPECT_EQ(l1.size(), 0u);
}

TEST(L1Cache, EraseOneAndNamespace) {
  L1Cache l1(1 << 20, 10s);
  l1.put("a", "n1", "c", "1");
  l1.put("b", "n1", "c", "2");
  l1.put("c", "n2", "c", "3");
  l1.erase("a");
  EXPECT_FALSE(l1.get("a", "c"));
  l1.erase_namespace("n1");
  EXPECT_FALSE(l1.get("b", "c"));
  EXPECT_TRUE(l1.get("c", "c"));
  l1.clear();
  EXPECT_EQ(l1.bytes(), 0u);
}

TEST(L1Cache, ZeroBudgetDisables) {
  L1Cache l1(0, 10s);
  l1.put("a", "", "c", "1");
  EXPECT_FALSE(l1.get("a", "c"));
}

}  // namespace
}  // namespace ragcache::cache
