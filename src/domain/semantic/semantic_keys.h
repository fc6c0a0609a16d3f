// Redis keys and value encodings of the semantic answer cache (pure; unit-tested).
//
//   <prefix>rag:sem:{<p>}:<id>   Hash: question, vector (float32 little-endian bytes), answer, created
//   <prefix>rag:semlog:{<p>}     Stream: change feed of partition p ({op:add,...} / {op:del,id} /
//                                {op:clear})
//   <prefix>rag:semring          Stream: {p} after every change to partition p's feed, so that one
//                                blocking read per process learns which feeds to read
//   <prefix>rag:semids:{<p>}     Sorted Set: the ids of partition p's entries, scored by expiry (ms
//                                since epoch): what a rebuild reads instead of a keyspace SCAN
//   <prefix>rag:semns:{<n>}      Hash: partition id -> tenant, every partition of one namespace
//                                (n = namespace_id(ns)): what namespace invalidation clears
//   <prefix>rag:semref:{<h>}     Set: "<p>:<id>" of the entries stored from exact answer h (the
//                                64-hex exact-cache hash): what invalidating that key deletes
//
// <p> = partition id: the first 32 hex digits of SHA-256 over PartitionKey::canonical() (tenant,
// model, system-prompt fingerprint, namespace), so entries never match across tenants or models.
// Both keys carry p as hash tag: an entry and its feed live in one cluster slot, so an insert can
// write both in one MULTI (the id set too). <id> = the 64-bit EntryId as 16 lowercase hex digits.
// The namespace registry and the exact references live in other slots: separate commands.
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

// 32 hex digits naming a namespace in a hash tag (any bytes may appear in a namespace).
std::string namespace_id(std::string_view name_space);

std::string format_entry_id(index::EntryId id);
// Exactly 16 hex digits; anything else -> nullopt.
std::optional<index::EntryId> parse_entry_id(std::string_view text);

class SemanticKeys {
 public:
  explicit SemanticKeys(std::string prefix = {}) : prefix_(std::move(prefix)) {}
  std::string entry(std::string_view p, index::EntryId id) const;
  std::string feed(std::string_view p) const;
  // The doorbell every process tails (one key): "partition p's feed has news".
  std::string ring() const;
  std::string ids(std::string_view p) const;
  std::string namespace_partitions(std::string_view name_space) const;
  std::string exact_refs(std::string_view exact_hash) const;
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// A member of an exact_refs() set: "<p>:<16 hex id>", and its inverse (nullopt if malformed).
std::string format_entry_ref(std::string_view p, index::EntryId id);
std::optional<std::pair<std::string, index::EntryId>> parse_entry_ref(std::string_view ref);

// float32 little-endian bytes (the stored form of a vector).
std::string encode_vector(std::span<const float> vector);
// invalid_argument if the byte count is not a multiple of 4 or a component is not finite.
Result<std::vector<float>> decode_vector(std::string_view bytes);

}  // namespace ragcache::semantic
