#include "redis/errors.h"

#include "base/error_category.h"

namespace ragcache::redis {

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("redis", {
      {Errc::ok, "ok"},
      {Errc::timeout, "Redis command timed out (outcome unknown)"},
      {Errc::connection_lost, "connection to Redis lost with the command in flight (outcome unknown)"},
      {Errc::not_connected, "Redis is not reachable (command not sent)"},
      {Errc::queue_full, "too many Redis commands waiting (command not sent)"},
      {Errc::server_error, "Redis error reply"},
      {Errc::auth_failed, "Redis authentication failed"},
      {Errc::protocol_error, "Redis protocol error"},
      {Errc::bad_url, "invalid Redis URL"},
      {Errc::tls_error, "TLS error talking to Redis"},
      {Errc::unexpected_reply, "unexpected Redis reply type"},
      {Errc::closed, "Redis client closed"},
      {Errc::circuit_open, "Redis circuit breaker open (command not sent)"},
  });
  return instance;
}

bool is_unavailable(const Error& e) { return e.code.category() == category(); }

}  // namespace ragcache::redis
