#include "redis/errors.h"

#include <string>

namespace ragcache::redis {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "redis"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::timeout: return "Redis command timed out (outcome unknown)";
      case Errc::connection_lost: return "connection to Redis lost with the command in flight (outcome unknown)";
      case Errc::not_connected: return "Redis is not reachable (command not sent)";
      case Errc::queue_full: return "too many Redis commands waiting (command not sent)";
      case Errc::server_error: return "Redis error reply";
      case Errc::auth_failed: return "Redis authentication failed";
      case Errc::protocol_error: return "Redis protocol error";
      case Errc::bad_url: return "invalid Redis URL";
      case Errc::tls_error: return "TLS error talking to Redis";
      case Errc::unexpected_reply: return "unexpected Redis reply type";
      case Errc::closed: return "Redis client closed";
      case Errc::circuit_open: return "Redis circuit breaker open (command not sent)";
    }
    return "unknown Redis error";
  }
};

}  // namespace

const boost::system::error_category& category() {
  static const Category instance;
  return instance;
}

}  // namespace ragcache::redis
