#include "domain/semantic/semantic_keys.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "base/hash.h"
#include "embed/vector_bytes.h"

namespace ragcache::semantic {

static_assert(std::endian::native == std::endian::little, "vectors are stored as little-endian float32");

std::string partition_id(const index::PartitionKey& partition) {
  return sha256_hex(partition.canonical()).substr(0, 32);
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

std::string SemanticKeys::entry_pattern(std::string_view p) const {
  std::string pattern;
  for (char c : prefix_) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.append("rag:sem:{").append(p).append("}:*");
  return pattern;
}

std::optional<index::EntryId> SemanticKeys::id_of_entry_key(std::string_view p, std::string_view key) const {
  std::string head = prefix_;
  head.append("rag:sem:{").append(p).append("}:");
  if (key.size() != head.size() + 16 || key.substr(0, head.size()) != head) return std::nullopt;
  return parse_entry_id(key.substr(head.size()));
}

std::string encode_vector(std::span<const float> vector) { return embed::encode_vector_bytes(vector); }

Result<std::vector<float>> decode_vector(std::string_view bytes) { return embed::decode_vector_bytes(bytes); }

}  // namespace ragcache::semantic
