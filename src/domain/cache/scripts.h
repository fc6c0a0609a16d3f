// The Lua scripts of this library, each wrapped once as a redis::Script (SHA-1 computed once).
// Sources: scripts/*.lua, embedded at build time.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "redis/script.h"

namespace ragcache::cache::scripts {

const redis::Script& lock_acquire();
const redis::Script& lock_release();
const redis::Script& lock_extend();
const redis::Script& exact_store_fenced();
const redis::Script& flight_begin();
const redis::Script& flight_push();
const redis::Script& flight_finish();

// KEYS / ARGV lists. A function, not a braced list: GCC 12 miscompiles initializer lists of
// std::string inside coroutines ("array used as initializer").
template <class... A>
std::vector<std::string> list(A&&... items) {
  std::vector<std::string> v;
  v.reserve(sizeof...(items));
  (v.emplace_back(std::forward<A>(items)), ...);
  return v;
}

}  // namespace ragcache::cache::scripts
