// Randomness for owner tokens (unguessable) and TTL jitter (just well spread).
#pragma once

#include <cstdint>
#include <string>

namespace ragcache {

// 128 bits from the OS CSPRNG as 32 hex digits: lock owner tokens, request ids.
std::string random_token();

// Uniform in [lo, hi] from a fast per-thread generator (not for secrets).
std::uint64_t random_between(std::uint64_t lo, std::uint64_t hi);

}  // namespace ragcache
