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

}  // namespace ragcache
