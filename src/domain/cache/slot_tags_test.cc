#include "domain/cache/slot_tags.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "redis/cluster_slot.h"

namespace ragcache::cache {
namespace {

TEST(SlotHashTagTest, EveryTagPutsItsKeyInItsSlot) {
  std::set<std::string_view> distinct;
  for (std::uint32_t slot = 0; slot < redis::kClusterSlotCount; ++slot) {
    auto tag = slot_hash_tag(static_cast<std::uint16_t>(slot));
    ASSERT_FALSE(tag.empty());
    ASSERT_EQ(tag.find_first_of("{}"), std::string_view::npos);
    ASSERT_EQ(redis::key_slot("lock:fence:{" + std::string(tag) + "}"), slot) << tag;
    distinct.insert(tag);
  }
  EXPECT_EQ(distinct.size(), redis::kClusterSlotCount);
  EXPECT_LE(slot_hash_tag(123).size(), 6u);  // short: it goes into a key name on every grant
}

}  // namespace
}  // namespace ragcache::cache
