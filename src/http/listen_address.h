// `--listen HOST:PORT` values ("127.0.0.1:8080", "0.0.0.0:80", "[::1]:8081", "localhost:9000").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ragcache::http {

struct ListenAddress {
  std::string host;  // without IPv6 brackets
  std::uint16_t port = 0;
};

// Port 0 is allowed (pick a free port). Errors name the bad value.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace ragcache::http
