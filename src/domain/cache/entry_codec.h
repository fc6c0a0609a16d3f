// The bytes of one stored exact-cache entry.
//
//   "RCE1" | flags (1 byte, bit 0 = zstd) | body
//   body (maybe zstd-compressed as one frame) = u32 BE canonical length | canonical | answer
//
// The canonical request bytes travel with the answer so a hit is verified byte for byte against
// the request that asked (decode_entry with expected_canonical). Bodies above the compression
// threshold are zstd-compressed; what stays larger than the hard maximum is not stored at all.
// Pure functions, unit-tested in entry_codec_test.cc.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::cache {

struct CodecOptions {
  std::size_t compress_threshold = 4096;      // bodies of at least this many bytes are compressed
  int compress_level = 3;                     // zstd level
  std::size_t max_entry_bytes = 4u << 20;     // encoded entries above this are not stored
  std::size_t max_decoded_bytes = 64u << 20;  // refuse to inflate beyond this (corrupt / hostile data)
};

struct EncodedEntry {
  std::string bytes;
  bool compressed = false;
};

// nullopt when the encoded entry would exceed max_entry_bytes (the caller counts and logs it).
std::optional<EncodedEntry> encode_entry(std::string_view canonical, std::string_view answer,
                                         const CodecOptions& options);

struct DecodedEntry {
  std::string canonical;
  std::string answer;
};

// Errc::corrupt_entry when the bytes are not an entry we wrote.
Result<DecodedEntry> decode_entry(std::string_view bytes, const CodecOptions& options);

// decode_entry + verification: nullopt when the entry belongs to another request (collision).
Result<std::optional<std::string>> decode_verified(std::string_view bytes, std::string_view expected_canonical,
                                                   const CodecOptions& options);

}  // namespace ragcache::cache
