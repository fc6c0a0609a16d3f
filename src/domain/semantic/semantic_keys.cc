#include "domain/semantic/semantic_keys.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "base/hash.h"
#include "base/vector_bytes.h"

namespace ragcache::semantic {

static_assert(std::endian::native == std::endian::little, "vectors are stored as little-endian float32");

std::string partition_id(const index::PartitionKey& partition) {
  return sha256_hex(partition.canonical()).substr(0, 32);
}

std::string namespace_id(std::string_view name_space) {
  return sha256_hex("namespace:" + std::string(name_space)).substr(0, 32);
}

std::string format_entry_id(index::EntryId id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[id & 0xf];
    id >>= 4;
  }
  return out;
}

std::optional<index::EntryId> parse_entry_id(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  index::EntryId id = 0;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return std::nullopt;
    id = (id << 4) | static_cast<index::EntryId>(v);
  }
  return id;
}

std::string SemanticKeys::entry(std::string_view p, index::EntryId id) const {
  std::string key = prefix_;
  key.append("rag:sem:{").append(p).append("}:").append(format_entry_id(id));
  return key;
}

std::string SemanticKeys::feed(std::string_view p) const {
  std::string key = prefix_;
  key.append("rag:semlog:{").append(p).append("}");
  return key;
}

std::string SemanticKeys::ring() const { return prefix_ + "rag:semring"; }

std::string SemanticKeys::ids(std::string_view p) const {
  std::string key = prefix_;
  key.append("rag:semids:{").append(p).append("}");
  return key;
}

std::string SemanticKeys::namespace_partitions(std::string_view name_space) const {
  std::string key = prefix_;
  key.append("rag:semns:{").append(namespace_id(name_space)).append("}");
  return key;
}

std::string SemanticKeys::exact_refs(std::string_view exact_hash) const {
  std::string key = prefix_;
  key.append("rag:semref:{").append(exact_hash).append("}");
  return key;
}

std::string format_entry_ref(std::string_view p, index::EntryId id) {
  std::string ref(p);
  ref.append(":").append(format_entry_id(id));
  return ref;
}

std::optional<std::pair<std::string, index::EntryId>> parse_entry_ref(std::string_view ref) {
  const auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || ref.substr(0, colon).find_first_of("{}") != std::string_view::npos) {
    return std::nullopt;
  }
  auto id = parse_entry_id(ref.substr(colon + 1));
  if (!id) return std::nullopt;
  return std::make_pair(std::string(ref.substr(0, colon)), *id);
}

std::string encode_vector(std::span<const float> vector) { return encode_vector_bytes(vector); }

Result<std::vector<float>> decode_vector(std::string_view bytes) { return decode_vector_bytes(bytes); }

}  // namespace ragcache::semantic
