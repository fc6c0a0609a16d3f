// The TLS client context for upstream HTTPS: certificate verification is always on, against
// the system CA store plus optional extra CAs (a private CA file, or PEM text, e.g. in tests).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "base/error.h"

namespace ragcache::http {

struct TlsOptions {
  bool use_system_store = true;  // trust the OS CA bundle
  std::string ca_file;           // extra trusted CA(s), PEM file
  std::string ca_pem;            // extra trusted CA(s), PEM text
};

// TLS 1.2+ client context with verify_peer. Hostname checks and SNI are per connection (the
// client sets them from the URL).
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const TlsOptions& options);

}  // namespace ragcache::http
