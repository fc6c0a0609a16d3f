#include "http/tls_context.h"

#include <boost/asio/buffer.hpp>

#include "http/errors.h"

namespace ragcache::http {

Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (ec) return Error(HttpErrc::tls_failed, "TLS options: " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return Error(HttpErrc::tls_failed, "TLS verify mode: " + ec.message());
  if (options.use_system_store) {
    ctx->set_default_verify_paths(ec);
    if (ec) return Error(HttpErrc::tls_failed, "system CA store: " + ec.message());
  }
  if (!options.ca_file.empty()) {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec) return Error(HttpErrc::tls_failed, "CA file " + options.ca_file + ": " + ec.message());
  }
  if (!options.ca_pem.empty()) {
    ctx->add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
    if (ec) return Error(HttpErrc::tls_failed, "CA PEM: " + ec.message());
  }
  return ctx;
}

}  // namespace ragcache::http
