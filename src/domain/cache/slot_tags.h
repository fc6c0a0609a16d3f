// A short hash tag for every Redis Cluster slot: "{" + slot_hash_tag(s) + "}" in a key name puts
// the key in slot s. Lets one key per slot sit beside whatever keys a script touches there (the
// per-slot fencing counter of locks, keys.h), so a script never crosses slots.
#pragma once

#include <cstdint>
#include <string_view>

namespace ragcache::cache {

// Tag for slot 0..16383 (other values: the tag of slot % 16384). The table is built once, on
// first use (about 10^5 CRC16s of short strings), then read without locking.
std::string_view slot_hash_tag(std::uint16_t slot);

}  // namespace ragcache::cache
