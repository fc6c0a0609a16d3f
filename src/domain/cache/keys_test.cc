#include "domain/cache/keys.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "redis/cluster_slot.h"

namespace ragcache::cache {
namespace {

const std::string kHash(64, 'a');

TEST(KeySchemaTest, ParseExactIsTheInverseOfExact) {
  for (const std::string prefix : {"", "t1:"}) {
    KeySchema keys(prefix);
    for (const std::string ns : {"", "docs", "docs:v2"}) {
      auto parsed = keys.parse_exact(keys.exact(ns, kHash));
      ASSERT_TRUE(parsed) << prefix << ns;
      EXPECT_EQ(parsed->first, ns);
      EXPECT_EQ(parsed->second, kHash);
    }
  }
}

TEST(KeySchemaTest, ParseExactRefusesOtherNames) {
  KeySchema keys;
  EXPECT_FALSE(keys.parse_exact(kHash));
  EXPECT_FALSE(keys.parse_exact("rag:flight:{" + kHash + "}"));
  EXPECT_FALSE(keys.parse_exact("rag:exact:ns{" + kHash + "}"));  // namespace without its ':'
  EXPECT_FALSE(keys.parse_exact("rag:exact:{" + kHash));
  EXPECT_FALSE(KeySchema("t1:").parse_exact(keys.exact("", kHash)));  // another prefix
  EXPECT_FALSE(keys.parse_exact(keys.inflight("docs", kHash)));  // a marker is not an entry
}

TEST(KeySchemaTest, InflightMarkerSharesTheAnswersSlotAndNamespacePattern) {
  KeySchema keys("t1:");
  EXPECT_EQ(keys.inflight("docs", kHash), "t1:rag:exact:docs:{" + kHash + "}:inflight");
  EXPECT_EQ(keys.inflight("", kHash), "t1:rag:exact:{" + kHash + "}:inflight");
  // The namespace SCAN pattern (prefix + "{*") covers the marker, so invalidation deletes it too.
  EXPECT_TRUE(keys.inflight("docs", kHash).starts_with(keys.exact_pattern("docs").substr(0, keys.exact_pattern("docs").size() - 1)));
  EXPECT_FALSE(keys.inflight("", kHash).starts_with(keys.exact_pattern("docs").substr(0, keys.exact_pattern("docs").size() - 1)));
}

TEST(KeySchemaTest, LockKeysShareTheLocksSlotAndCountersArePerSlot) {
  KeySchema keys("t1:", FenceCounters::one_per_slot);
  std::set<std::string> counters;
  for (int i = 0; i < 50000; ++i) {
    const auto name = (i % 2 ? "doc:" : "rag:{") + std::to_string(i) + (i % 2 ? "" : "}");
    auto k = keys.lock(name);
    const auto slot = redis::key_slot(k.lock);
    ASSERT_EQ(redis::key_slot(k.fence), slot) << name;
    ASSERT_EQ(redis::key_slot(k.signal), slot) << name;
    ASSERT_TRUE(k.fence.starts_with("t1:lock:fence:{")) << k.fence;
    counters.insert(k.fence);
  }
  // One counter per slot, whatever the number of names: 50,000 names fill most of the 16384 slots.
  EXPECT_LE(counters.size(), redis::kClusterSlotCount);
  EXPECT_GT(counters.size(), 10000u);
  EXPECT_EQ(keys.lock("a").fence, keys.lock("{a}:other").fence);  // same tag, same slot, same counter
}

// A release builds only the lock and signal keys (lock_key, signal_of): they must be exactly the
// keys the acquire used, with or without a hash tag in the name.
TEST(KeySchemaTest, LockKeyAndSignalOfMatchTheFullLockKeys) {
  for (const char* prefix : {"", "t1:"}) {
    KeySchema keys(prefix);
    const std::vector<std::string> names{"a", "doc:42", "rag:{abc}", "{}x", "x{y}z", std::string(512, 'n')};
    for (const auto& name : names) {
      const auto full = keys.lock(name);
      EXPECT_EQ(keys.lock_key(name), full.lock) << name;
      EXPECT_EQ(KeySchema::signal_of(keys.lock_key(name)), full.signal) << name;
      EXPECT_TRUE(full.lock.starts_with(std::string(prefix) + "lock:")) << full.lock;
      EXPECT_EQ(full.signal, full.lock + ":sig");
    }
    EXPECT_EQ(keys.lock_key("a"), std::string(prefix) + "lock:{a}");
    EXPECT_EQ(keys.lock_key("rag:{abc}"), std::string(prefix) + "lock:rag:{abc}");
  }
}

TEST(KeySchemaTest, OneServerHasOneFencingCounterAndAClusterOnePerSlot) {
  EXPECT_EQ(fence_counters_for("redis://127.0.0.1:6379"), FenceCounters::one_per_server);
  EXPECT_EQ(fence_counters_for("unix:///tmp/redis.sock"), FenceCounters::one_per_server);
  EXPECT_EQ(fence_counters_for("redis-sentinel://h:26379/main"), FenceCounters::one_per_server);
  EXPECT_EQ(fence_counters_for("redis-cluster://h1:7000,h2:7001"), FenceCounters::one_per_slot);
  KeySchema keys("t1:", FenceCounters::one_per_server);
  EXPECT_EQ(keys.lock("a").fence, "t1:lock:fence");
  EXPECT_EQ(keys.lock("rag:{abc}").fence, "t1:lock:fence");
}

}  // namespace
}  // namespace ragcache::cache
