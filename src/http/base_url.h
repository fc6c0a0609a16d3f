// The base URL of an OpenAI-compatible upstream (`http://host:port/v1`), parsed once with
// Boost.URL into what the client needs per request: scheme, host, port, and the path prefix to
// put before each endpoint ("/v1" + "/chat/completions").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::http {

struct BaseUrl {
  bool tls = false;         // https
  std::string host;         // name or address, without IPv6 brackets
  std::uint16_t port = 0;   // explicit or the scheme default (80 / 443)
  std::string base_path;    // without trailing '/', may be empty

  // base_path + endpoint; endpoint should start with '/' (one is added if missing).
  std::string target_for(std::string_view endpoint) const;
  // Host header value: host, plus ":port" if not the scheme default (IPv6 in brackets).
  std::string host_header() const;
  // "host:port", for messages and pool keys.
  std::string authority() const;
};

// Accepts http:// and https:// URLs with a host; rejects other schemes, missing hosts, bad
// ports, and fragments. A query string on the base URL is not supported (rejected).
Result<BaseUrl> parse_base_url(std::string_view url);

}  // namespace ragcache::http
