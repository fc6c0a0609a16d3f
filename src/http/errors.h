// Error codes of the http layer (server and upstream client), with their category.
//
// Transport failures of the upstream client are Errors with these codes; an upstream that answers
// with a 4xx/5xx is NOT an error at this level: the caller gets the status and body to pass back.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::http {

enum class HttpErrc {
  ok = 0,
  bad_url,            // the base URL or a target could not be parsed / has an unsupported scheme
  resolve_failed,     // DNS resolution of the upstream host failed
  connect_failed,     // TCP connect refused / unreachable
  tls_failed,         // TLS handshake or certificate verification failed
  connect_timeout,    // connect (incl. TLS handshake) exceeded its deadline
  first_byte_timeout, // the upstream sent no response header in time
  read_timeout,       // the upstream went silent mid-body for longer than the idle read timeout
  total_timeout,      // the whole exchange exceeded its deadline
  io_failed,          // read/write failed on an established connection
  protocol_error,     // the peer sent something that is not valid HTTP/1.1
  body_too_large,     // a response body exceeded the configured limit
  pool_exhausted,     // every allowed upstream connection stayed busy for the whole connect timeout
  stream_finished,    // next() called on a stream that already ended
  client_gone,        // the downstream client closed its connection while we were writing
  response_already_started,  // a handler tried to send twice
};

const boost::system::error_category& http_category();

inline boost::system::error_code make_error_code(HttpErrc e) {
  return {static_cast<int>(e), http_category()};
}

}  // namespace ragcache::http

RAGCACHE_ERROR_CODE_ENUM(ragcache::http::HttpErrc);
