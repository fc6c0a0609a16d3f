// Hash slots, checked against values redis-server 7.0's CLUSTER KEYSLOT returns.
#include "redis/cluster_slot.h"

#include <gtest/gtest.h>

namespace ragcache::redis {
namespace {

TEST(ClusterSlot, Crc16MatchesTheXmodemCheckValue) { EXPECT_EQ(crc16("123456789"), 0x31C3); }

TEST(ClusterSlot, SlotsMatchRedis) {
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("hello"), 866);
  EXPECT_EQ(key_slot("somekey"), 11058);
  EXPECT_EQ(key_slot(""), 0);
}

TEST(ClusterSlot, HashTagRules) {
  EXPECT_EQ(key_slot("foo{hash_tag}"), 2515);
  EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar"));  // only the first tag counts
  EXPECT_EQ(key_slot("foo{}{bar}"), 8363);                  // empty tag: the whole key is hashed
  EXPECT_EQ(key_slot("foo{{bar}}zap"), 4015);               // tag is "{bar"
  EXPECT_EQ(hashed_part("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(hashed_part("open{only"), "open{only");
  EXPECT_EQ(key_slot("rag:exact:{abc}"), key_slot("lock:rag:{abc}"));
  EXPECT_EQ(key_slot("{user1000}.following"), 3443);
}

TEST(ClusterSlot, BinaryKeysStayInRange) {
  std::string key;
  for (int i = 0; i < 2000; ++i) {
    key.push_back(static_cast<char>(i % 256));
    EXPECT_LT(key_slot(key), kClusterSlotCount);
  }
}

}  // namespace
}  // namespace ragcache::redis
