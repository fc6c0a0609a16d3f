// Error codes of the Redis client. Every fallible call returns Result<T> (base/error.h); the
// Error carries one of these codes and, for server errors, the server's own text.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::redis {

enum class Errc {
  ok = 0,
  timeout,           // no reply within the command timeout; the command may or may not have run
  connection_lost,   // the connection broke with the command in flight: outcome unknown
  not_connected,     // Redis is unreachable right now; the command was not sent
  queue_full,        // too many commands waiting: refused at once, nothing sent
  server_error,      // Redis answered with an error reply (detail: its text, e.g. "WRONGTYPE ...")
  auth_failed,       // AUTH/HELLO refused (wrong user or password)
  protocol_error,    // the byte stream is not valid RESP, or replies do not match requests
  bad_url,           // the Redis URL cannot be parsed
  tls_error,         // TLS handshake or certificate verification failed
  unexpected_reply,  // a reply of a type the caller did not expect
  closed,            // the client was closed by its owner
  circuit_open,      // the client's circuit breaker is open (Redis failing): refused at once, not sent
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

// True for an error of the Redis client: Redis could not be asked or did not answer usably
// (down, slow, refusing: queue full, circuit open; or an error reply). Callers then degrade --
// skip the cache, answer 503 -- rather than blame the request.
bool is_unavailable(const Error& e);

}  // namespace ragcache::redis

RAGCACHE_ERROR_CODE_ENUM(ragcache::redis::Errc);
