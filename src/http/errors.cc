#include "http/errors.h"

#include "base/error_category.h"

namespace ragcache::http {

const boost::system::error_category& http_category() {
  static const TableCategory<HttpErrc> instance("ragcache.http", {
      {HttpErrc::ok, "ok"},
      {HttpErrc::bad_url, "bad URL"},
      {HttpErrc::resolve_failed, "could not resolve host"},
      {HttpErrc::connect_failed, "could not connect"},
      {HttpErrc::tls_failed, "TLS handshake or certificate verification failed"},
      {HttpErrc::connect_timeout, "connect timed out"},
      {HttpErrc::first_byte_timeout, "no response header before the first-byte timeout"},
      {HttpErrc::read_timeout, "upstream went silent mid-response (idle read timeout)"},
      {HttpErrc::total_timeout, "request exceeded its total timeout"},
      {HttpErrc::io_failed, "I/O error on the connection"},
      {HttpErrc::protocol_error, "malformed HTTP from peer"},
      {HttpErrc::body_too_large, "response body too large"},
      {HttpErrc::pool_exhausted, "all upstream connections busy (connection limit reached)"},
      {HttpErrc::stream_finished, "stream already finished"},
      {HttpErrc::client_gone, "client closed the connection"},
      {HttpErrc::response_already_started, "response already started"},
  });
  return instance;
}

}  // namespace ragcache::http
