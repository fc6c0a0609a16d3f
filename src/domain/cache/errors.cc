#include "domain/cache/errors.h"

#include "base/error_category.h"

namespace ragcache::cache {

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("cache", {
      {Errc::ok, "ok"},
      {Errc::not_owner, "lock is no longer owned by this holder"},
      {Errc::lock_timeout, "timed out waiting for the lock"},
      {Errc::lock_lost, "lock lease lost (renewal failed)"},
      {Errc::invalid_ttl, "lock TTL must be positive"},
      {Errc::wait_timeout, "timed out waiting for the in-flight computation"},
      {Errc::leader_failed, "the leader's computation failed"},
      {Errc::leader_lost, "the leader was lost after chunks were relayed"},
      {Errc::corrupt_entry, "stored cache entry is corrupt"},
      {Errc::invalid_key, "invalid cache key, namespace or lock name"},
  });
  return instance;
}

}  // namespace ragcache::cache
