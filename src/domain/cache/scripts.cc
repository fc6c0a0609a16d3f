#include "domain/cache/scripts.h"

#include <string>
#include <string_view>

#include "ragcache/embedded_domain_cache_lua.h"

namespace ragcache::cache::scripts {

namespace {

// A script is its file after one prelude (a file of shared Lua functions, or none): the scripts
// that grant locks share how fencing numbers are drawn (fence_counter.lua), those that check the
// holder share what a held value looks like (lock_holder.lua).
redis::Script with_prelude(const char* name, std::string_view prelude, std::string_view body) {
  return redis::Script(name, std::string(prelude) + std::string(body));
}

}  // namespace

#define RAGCACHE_CACHE_SCRIPT(stem, prelude)                                                             \
  const redis::Script& stem() {                                                                          \
    static const redis::Script script = with_prelude(#stem, prelude, embedded::domain_cache_lua_##stem); \
    return script;                                                                                       \
  }

RAGCACHE_CACHE_SCRIPT(lock_acquire, embedded::domain_cache_lua_fence_counter)
RAGCACHE_CACHE_SCRIPT(lock_release, embedded::domain_cache_lua_lock_holder)
RAGCACHE_CACHE_SCRIPT(lock_extend, embedded::domain_cache_lua_lock_holder)
RAGCACHE_CACHE_SCRIPT(exact_store_fenced, embedded::domain_cache_lua_lock_holder)
RAGCACHE_CACHE_SCRIPT(flight_begin, embedded::domain_cache_lua_fence_counter)
RAGCACHE_CACHE_SCRIPT(flight_push, embedded::domain_cache_lua_lock_holder)
RAGCACHE_CACHE_SCRIPT(flight_finish, embedded::domain_cache_lua_lock_holder)

#undef RAGCACHE_CACHE_SCRIPT

}  // namespace ragcache::cache::scripts
