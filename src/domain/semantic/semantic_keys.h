// Redis keys and value encodings of the semantic answer cache (pure; unit-tested).
//
//   <prefix>rag:sem:{<p>}:<id>   Hash: question, vector (float32 little-endian bytes), answer, created
//   <prefix>rag:semlog:{<p>}     Stream: change feed of partition p ({op:add,...} / {op:del,id})
//
// <p> = partition id: the first 32 hex digits of SHA-256 over PartitionKey::canonical() (tenant,
// model, system-prompt fingerprint, namespace), so entries never match across tenants or models.
// Both keys carry p as hash tag: an entry and its feed live in one cluster slot, so an insert can
// write both in one MULTI. <id> = the 64-bit EntryId as 16 lowercase hex digits.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "index/partition.h"
#include "index/vector_index.h"

namespace ragcache::semantic {

std::string partition_id(const index::PartitionKey& partition);

std::string format_entry_id(index::EntryId id);
// Exactly 16 hex digits; anything else -> nullopt.
std::optional<index::EntryId> parse_entry_id(std::string_view text);

class SemanticKeys {
 public:
  explicit SemanticKeys(std::string prefix = {}) : prefix_(std::move(prefix)) {}
  std::string entry(std::string_view p, index::EntryId id) const;
  std::string feed(std::string_view p) const;
  // SCAN MATCH pattern of every entry of partition p (p is hex, so it needs no glob escaping
  // unless the prefix holds glob characters; the prefix is escaped).
  std::string entry_pattern(std::string_view p) const;
  // The id at the end of an entry key of partition p; nullopt if the key is not one.
  std::optional<index::EntryId> id_of_entry_key(std::string_view p, std::string_view key) const;
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// float32 little-endian bytes (the stored form of a vector).
std::string encode_vector(std::span<const float> vector);
// invalid_argument if the byte count is not a multiple of 4 or a component is not finite.
Result<std::vector<float>> decode_vector(std::string_view bytes);

}  // namespace ragcache::semantic
