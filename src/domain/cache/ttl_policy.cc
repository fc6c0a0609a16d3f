#include "domain/cache/ttl_policy.h"

#include <limits>

#include "base/random.h"

namespace ragcache::cache {

std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds base, std::chrono::milliseconds jitter,
                                       std::uint64_t random_value) {
  if (base.count() < 1) base = std::chrono::milliseconds(1);  // PX 0 is an error in Redis
  if (jitter.count() <= 0) return base;
  auto span = static_cast<std::uint64_t>(jitter.count()) + 1;
  return base + std::chrono::milliseconds(static_cast<std::int64_t>(random_value % span));
}

std::chrono::milliseconds jittered_ttl(std::chrono::milliseconds base, std::chrono::milliseconds jitter) {
  return jittered_ttl(base, jitter, random_between(0, std::numeric_limits<std::uint64_t>::max()));
}

}  // namespace ragcache::cache
