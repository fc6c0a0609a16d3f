#include "http/listen_address.h"

namespace ragcache::http {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error(Errc::invalid_argument, "bad listen address '" + std::string(text) + "': " + std::string(why) +
                                             " (expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)");
  };
  ListenAddress out;
  std::string_view port_text;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    out.host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("missing :PORT");
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing :PORT");
    out.host = std::string(text.substr(0, colon));
    if (out.host.find(':') != std::string::npos) return bad("IPv6 addresses go in brackets");
    port_text = text.substr(colon + 1);
  }
  if (out.host.empty()) return bad("missing host");
  if (port_text.empty() || port_text.size() > 5) return bad("bad port");
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return bad("bad port");
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return bad("port out of range");
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace ragcache::http
