#include "domain/cache/scripts.h"

#include "ragcache/embedded_domain_cache_lua.h"

namespace ragcache::cache::scripts {

#define RAGCACHE_CACHE_SCRIPT(stem)                                                      \
  const redis::Script& stem() {                                                          \
    static const redis::Script script(#stem, embedded::domain_cache_lua_##stem);         \
    return script;                                                                       \
  }

RAGCACHE_CACHE_SCRIPT(lock_acquire)
RAGCACHE_CACHE_SCRIPT(lock_release)
RAGCACHE_CACHE_SCRIPT(lock_extend)
RAGCACHE_CACHE_SCRIPT(exact_store_fenced)
RAGCACHE_CACHE_SCRIPT(flight_begin)
RAGCACHE_CACHE_SCRIPT(flight_push)
RAGCACHE_CACHE_SCRIPT(flight_finish)

#undef RAGCACHE_CACHE_SCRIPT

}  // namespace ragcache::cache::scripts
