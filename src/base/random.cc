#include "base/random.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <random>
#include <stdexcept>
#include <string_view>

#include "base/hash.h"

namespace ragcache {

namespace {

// Bumped in a forked child, so no thread there hands out bytes its parent may also hand out.
std::atomic<std::uint64_t> fork_generation{0};
const int fork_hook = pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });

// CSPRNG bytes drawn in blocks: one RAND_bytes call per 64 tokens instead of one per token (each
// call costs locks, a getpid and parameter lookups; a lock acquire needs a token, so this was a
// tenth of the client's CPU in the lock benchmark). Same generator, same unguessability.
struct TokenBytes {
  static constexpr std::size_t kTokenBytes = 16;
  unsigned char block[64 * kTokenBytes];
  std::size_t used = sizeof block;
  std::uint64_t generation = 0;

  const unsigned char* next() {
    const auto gen = fork_generation.load(std::memory_order_relaxed);
    if (used == sizeof block || generation != gen) {
      if (RAND_bytes(block, sizeof block) != 1) throw std::runtime_error("OpenSSL: RAND_bytes failed");
      used = 0;
      generation = gen;
    }
    const unsigned char* out = block + used;
    used += kTokenBytes;
    return out;
  }
};

}  // namespace

std::string random_token() {
  (void)fork_hook;
  thread_local TokenBytes bytes;
  const unsigned char* token = bytes.next();
  return to_hex(std::string_view(reinterpret_cast<const char*>(token), TokenBytes::kTokenBytes));
}

std::uint64_t random_between(std::uint64_t lo, std::uint64_t hi) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  if (hi <= lo) return lo;
  return std::uniform_int_distribution<std::uint64_t>(lo, hi)(gen);
}

}  // namespace ragcache
