#include "domain/cache/slot_tags.h"

#include <array>
#include <string>

#include "redis/cluster_slot.h"

namespace ragcache::cache {
namespace {

using Table = std::array<std::string, redis::kClusterSlotCount>;

// Tags are the decimal numbers 0, 1, 2, ...: each slot gets the first number that hashes to it.
// Every slot is covered after ~1.7e5 numbers (a coupon collector over 16384 slots).
Table build_table() {
  Table table;
  std::size_t filled = 0;
  for (std::uint64_t n = 0; filled < table.size(); ++n) {
    auto tag = std::to_string(n);
    auto& entry = table[redis::key_slot(tag)];
    if (entry.empty()) {
      entry = std::move(tag);
      ++filled;
    }
  }
  return table;
}

}  // namespace

std::string_view slot_hash_tag(std::uint16_t slot) {
  static const Table table = build_table();
  return table[slot % redis::kClusterSlotCount];
}

}  // namespace ragcache::cache
