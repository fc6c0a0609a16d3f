#include "redis/endpoint.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

Result<int> parse_db(std::string_view text, std::string_view url) {
  int db = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), db);
  if (ec != std::errc() || p != text.data() + text.size() || db < 0) {
    return Error(Errc::bad_url, "database must be a non-negative number in " + std::string(url));
  }
  return db;
}

}  // namespace

std::string Endpoint::describe() const {
  if (transport == Transport::unix_socket) return "unix://" + path;
  return (transport == Transport::tls ? "rediss://" : "redis://") + host + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Error(Errc::bad_url, "cannot parse '" + std::string(url) + "'");
  const boost::urls::url_view& u = *parsed;
  Endpoint ep;
  const std::string scheme(u.scheme());
  if (scheme == "redis") {
    ep.transport = Endpoint::Transport::tcp;
  } else if (scheme == "rediss") {
    ep.transport = Endpoint::Transport::tls;
  } else if (scheme == "unix") {
    ep.transport = Endpoint::Transport::unix_socket;
  } else {
    return Error(Errc::bad_url, "unsupported scheme '" + scheme + "' (want redis://, rediss:// or unix://)");
  }
  if (u.has_userinfo()) {
    ep.user = u.user();
    ep.password = u.password();
  }
  if (ep.transport == Endpoint::Transport::unix_socket) {
    ep.path = std::string(u.path());
    if (ep.path.empty()) return Error(Errc::bad_url, "unix:// URL needs a socket path");
    for (auto param : u.params()) {
      if (param.key == "db") {
        auto db = parse_db(param.value, url);
        if (!db) return db.error();
        ep.db = *db;
      } else if (param.key == "password") {
        ep.password = param.value;
      } else if (param.key == "user") {
        ep.user = param.value;
      }
    }
    return ep;
  }
  ep.host = std::string(u.host_name().empty() ? std::string_view(u.encoded_host()) : u.host_name());
  if (u.host_type() == boost::urls::host_type::ipv6) ep.host = std::string(u.encoded_host_address());
  if (ep.host.empty()) return Error(Errc::bad_url, "missing host in '" + std::string(url) + "'");
  if (u.has_port()) {
    if (u.port_number() == 0) return Error(Errc::bad_url, "bad port in '" + std::string(url) + "'");
    ep.port = u.port_number();
  }
  std::string_view path = u.encoded_path();
  if (!path.empty() && path != "/") {
    auto db = parse_db(path.substr(1), url);
    if (!db) return db.error();
    ep.db = *db;
  }
  return ep;
}

}  // namespace ragcache::redis
