// Where and how to reach one Redis server, parsed from a URL:
//   redis://[[user]:password@]host[:port][/db]     plain TCP (port 6379 by default)
//   rediss://[[user]:password@]host[:port][/db]    TLS (OpenSSL), certificate verified
//   unix:///path/to/redis.sock[?db=N&user=U&password=P]
// User and password are percent-decoded. Cluster and Sentinel URLs are parsed elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::redis {

struct Endpoint {
  enum class Transport { tcp, tls, unix_socket };

  Transport transport = Transport::tcp;
  std::string host = "127.0.0.1";  // tcp / tls
  std::uint16_t port = 6379;       // tcp / tls
  std::string path;                // unix socket path
  std::string user;                // empty: the "default" user (AUTH <password>)
  std::string password;            // empty: no AUTH
  int db = 0;

  // host:port or the socket path, without credentials (safe to log).
  std::string describe() const;
};

Result<Endpoint> parse_endpoint(std::string_view url);

}  // namespace ragcache::redis
