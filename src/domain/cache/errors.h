// Error codes of the exact cache, distributed locks and single-flight (ragcache::domain_cache).
// Redis failures keep their own codes (redis/errors.h); these are the outcomes callers branch on.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::cache {

enum class Errc {
  ok = 0,
  not_owner,        // the lock is no longer held by this grant (expired, or someone else holds it now)
  lock_timeout,     // a blocking acquire passed its deadline without getting the lock
  lock_lost,        // the lease could not be renewed: the holder must stop trusting the lock
  invalid_ttl,      // a lock TTL <= 0 (or absurdly large) was asked for
  wait_timeout,     // a single-flight follower passed its deadline before the leader finished
  leader_failed,    // the leader's compute failed; detail carries its message
  leader_lost,      // the leader vanished after this stream caller had already relayed chunks
  corrupt_entry,    // a stored cache entry cannot be decoded (wrong format, bad compression)
  invalid_key,      // a cache key / namespace / lock name that cannot be used
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

}  // namespace ragcache::cache

RAGCACHE_ERROR_CODE_ENUM(ragcache::cache::Errc);
