#include "domain/cache/errors.h"

#include <string>

namespace ragcache::cache {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "cache"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::not_owner: return "lock is no longer owned by this holder";
      case Errc::lock_timeout: return "timed out waiting for the lock";
      case Errc::lock_lost: return "lock lease lost (renewal failed)";
      case Errc::invalid_ttl: return "lock TTL must be positive";
      case Errc::wait_timeout: return "timed out waiting for the in-flight computation";
      case Errc::leader_failed: return "the leader's computation failed";
      case Errc::leader_lost: return "the leader was lost after chunks were relayed";
      case Errc::corrupt_entry: return "stored cache entry is corrupt";
      case Errc::invalid_key: return "invalid cache key, namespace or lock name";
    }
    return "unknown cache error";
  }
};

}  // namespace

const boost::system::error_category& category() {
  static const Category instance;
  return instance;
}

}  // namespace ragcache::cache
