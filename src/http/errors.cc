#include "http/errors.h"

namespace ragcache::http {
namespace {

class HttpCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ragcache.http"; }
  std::string message(int ev) const override {
    switch (static_cast<HttpErrc>(ev)) {
      case HttpErrc::ok: return "ok";
      case HttpErrc::bad_url: return "bad URL";
      case HttpErrc::resolve_failed: return "could not resolve host";
      case HttpErrc::connect_failed: return "could not connect";
      case HttpErrc::tls_failed: return "TLS handshake or certificate verification failed";
      case HttpErrc::connect_timeout: return "connect timed out";
      case HttpErrc::first_byte_timeout: return "no response header before the first-byte timeout";
      case HttpErrc::read_timeout: return "upstream went silent mid-response (idle read timeout)";
      case HttpErrc::total_timeout: return "request exceeded its total timeout";
      case HttpErrc::io_failed: return "I/O error on the connection";
      case HttpErrc::protocol_error: return "malformed HTTP from peer";
      case HttpErrc::body_too_large: return "response body too large";
      case HttpErrc::pool_exhausted: return "all upstream connections busy (connection limit reached)";
      case HttpErrc::stream_finished: return "stream already finished";
      case HttpErrc::client_gone: return "client closed the connection";
      case HttpErrc::response_already_started: return "response already started";
    }
    return "unknown http error";
  }
};

}  // namespace

const boost::system::error_category& http_category() {
  static const HttpCategory category;
  return category;
}

}  // namespace ragcache::http
