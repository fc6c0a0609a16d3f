#include "base/random.h"

#include <openssl/rand.h>

#include <random>
#include <stdexcept>
#include <string_view>

#include "base/hash.h"

namespace ragcache {

std::string random_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("OpenSSL: RAND_bytes failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::uint64_t random_between(std::uint64_t lo, std::uint64_t hi) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  if (hi <= lo) return lo;
  return std::uniform_int_distribution<std::uint64_t>(lo, hi)(gen);
}

}  // namespace ragcache
