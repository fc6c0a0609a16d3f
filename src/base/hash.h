// Digests used for cache keys and script ids (OpenSSL EVP underneath).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ragcache {

// Incremental SHA-256. Feed bytes with update(); finish once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  std::array<std::uint8_t, 32> finish();
  std::string finish_hex();  // 64 lowercase hex digits

 private:
  void* ctx_;  // EVP_MD_CTX*, owned
};

std::string sha256_hex(std::string_view bytes);
std::string sha1_hex(std::string_view bytes);  // what Redis uses to name scripts
std::string to_hex(std::string_view bytes);
// True when text is only lowercase hex digits ("" included). A plain loop: find_first_not_of
// with a set calls memchr once per character of text.
bool is_lower_hex(std::string_view text);

// FNV-1a: a fast non-cryptographic hash for in-process tables and feature hashing, where its
// values are also persisted (embeddings, index terms): never change them.
template <class UInt, UInt kOffsetBasis, UInt kPrime>
constexpr UInt fnv1a(std::string_view bytes) {
  UInt h = kOffsetBasis;
  for (unsigned char c : bytes) h = (h ^ c) * kPrime;
  return h;
}
constexpr std::uint64_t fnv1a_64(std::string_view bytes) {
  return fnv1a<std::uint64_t, 0xcbf29ce484222325ULL, 0x100000001b3ULL>(bytes);
}
constexpr std::uint32_t fnv1a_32(std::string_view bytes) { return fnv1a<std::uint32_t, 2166136261u, 16777619u>(bytes); }

}  // namespace ragcache
