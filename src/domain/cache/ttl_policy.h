// TTL of a cached answer: base + a uniform random jitter in [0, J], so entries written together
// (a warm-up, a traffic spike) do not all expire in the same second and stampede the model.
// Pure: the random draw is passed in, so the spread is unit-testable.
#pragma once

#include <chrono>
#include <cstdint>

namespace ragcache::cache {

// base + (random_value mod (jitter + 1)) ms: uniform over [base, base + jitter] for a uniform
// 64-bit random_value (the modulo bias is below 2^-40 for any jitter we accept).
std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds base, std::chrono::milliseconds jitter,
                                       std::uint64_t random_value);

// The same with a fresh random draw.
std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds base, std::chrono::milliseconds jitter);

}  // namespace ragcache::cache
