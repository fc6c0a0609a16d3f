// Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
//
// A hash tag is the part between the first '{' and the next '}' when that part is not empty:
// "rag:exact:{abc}" and "lock:rag:{abc}" share a slot, so one script may touch both.
#pragma once

#include <cstdint>
#include <string_view>

namespace ragcache::redis {

inline constexpr std::uint16_t kClusterSlotCount = 16384;

// CRC16-CCITT (XMODEM: poly 0x1021, init 0), the checksum Redis Cluster hashes keys with.
std::uint16_t crc16(std::string_view bytes);

// The part of the key that is hashed (the hash tag if there is one, else the whole key).
std::string_view hashed_part(std::string_view key);

// The cluster slot (0..16383) the key lives in.
std::uint16_t key_slot(std::string_view key);

}  // namespace ragcache::redis
