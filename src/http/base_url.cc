#include "http/base_url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <fmt/format.h>

#include "http/errors.h"

namespace ragcache::http {

Result<BaseUrl> parse_base_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(boost::core::string_view(text.data(), text.size()));
  if (!parsed) {
    // parse_absolute_uri rejects fragments; try the general form only for a better message.
    return Error(HttpErrc::bad_url, fmt::format("'{}' is not an absolute URL", text));
  }
  const auto& u = *parsed;
  BaseUrl out;
  std::string scheme(u.scheme());
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme != "http") {
    return Error(HttpErrc::bad_url, "unsupported scheme '" + scheme + "' in '" + std::string(text) + "' (use http or https)");
  }
  if (!u.has_authority() || u.host_address().empty()) {
    return Error(HttpErrc::bad_url, "no host in '" + std::string(text) + "'");
  }
  if (u.has_query()) return Error(HttpErrc::bad_url, "a query string is not allowed in a base URL: '" + std::string(text) + "'");
  out.host = std::string(u.host_address());
  if (u.has_port()) {
    auto port_text = u.port();
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return Error(HttpErrc::bad_url, "bad port in '" + std::string(text) + "'");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return Error(HttpErrc::bad_url, "bad port in '" + std::string(text) + "'");
    out.port = static_cast<std::uint16_t>(port);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  out.base_path = std::string(u.encoded_path());
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  return out;
}

std::string BaseUrl::target_for(std::string_view endpoint) const {
  std::string t = base_path;
  if (endpoint.empty() || endpoint[0] != '/') t += '/';
  t += endpoint;
  return t;
}

namespace {
std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]", host) : host;
}
}  // namespace

std::string BaseUrl::host_header() const {
  if (port == (tls ? 443 : 80)) return bracketed(host);
  return fmt::format("{}:{}", bracketed(host), port);
}

std::string BaseUrl::authority() const { return fmt::format("{}:{}", bracketed(host), port); }

}  // namespace ragcache::http
