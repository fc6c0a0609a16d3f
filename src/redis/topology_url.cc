#include "redis/topology_url.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

Error bad(std::string message) { return Error(Errc::bad_url, std::move(message)); }

std::string percent_decode(std::string_view text) {
  auto decoded = boost::urls::make_pct_string_view(text);
  if (!decoded) return std::string(text);
  return std::string(decoded->decode());
}

struct Split {
  std::string scheme;
  std::string user;
  std::string password;
  std::string hosts;  // "h1:p1,h2:p2"
  std::string path;   // after the first '/' following the hosts, without it
  std::string query;  // after '?'
};

Result<Split> split_url(std::string_view url) {
  Split s;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("cannot parse '" + std::string(url) + "'");
  s.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    s.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  // The userinfo ends at the last '@' before the path (passwords may hold '@' when encoded only,
  // but be lenient).
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) s.path = std::string(rest.substr(slash + 1));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      s.user = percent_decode(userinfo);
    } else {
      s.user = percent_decode(userinfo.substr(0, colon));
      s.password = percent_decode(userinfo.substr(colon + 1));
    }
  }
  s.hosts = std::string(authority);
  return s;
}

Result<std::vector<Endpoint>> parse_hosts(std::string_view hosts, std::uint16_t default_port, std::string_view url) {
  std::vector<Endpoint> out;
  std::size_t pos = 0;
  while (pos <= hosts.size()) {
    const auto comma = hosts.find(',', pos);
    std::string_view item = hosts.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? hosts.size() + 1 : comma + 1;
    if (item.empty()) continue;
    Endpoint ep;
    ep.port = default_port;
    std::string_view host = item;
    std::string_view port;
    if (item.front() == '[') {  // [ipv6]:port
      const auto close = item.find(']');
      if (close == std::string_view::npos) return bad("bad IPv6 address in '" + std::string(url) + "'");
      host = item.substr(1, close - 1);
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':') return bad("bad host '" + std::string(item) + "' in '" + std::string(url) + "'");
        port = item.substr(close + 2);
      }
    } else if (const auto colon = item.rfind(':'); colon != std::string_view::npos) {
      host = item.substr(0, colon);
      port = item.substr(colon + 1);
    }
    if (host.empty()) return bad("missing host in '" + std::string(url) + "'");
    ep.host = std::string(host);
    if (!port.empty()) {
      unsigned value = 0;
      auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
      if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
        return bad("bad port '" + std::string(port) + "' in '" + std::string(url) + "'");
      }
      ep.port = static_cast<std::uint16_t>(value);
    }
    out.push_back(std::move(ep));
  }
  if (out.empty()) return bad("no host in '" + std::string(url) + "'");
  return out;
}

}  // namespace

bool is_cluster_url(std::string_view url) {
  return url.starts_with("redis-cluster://") || url.starts_with("rediss-cluster://");
}

bool is_sentinel_url(std::string_view url) { return url.starts_with("redis-sentinel://"); }

Result<ClusterSpec> parse_cluster_url(std::string_view url) {
  auto split = split_url(url);
  if (!split) return split.error();
  if (split->scheme != "redis-cluster" && split->scheme != "rediss-cluster") {
    return bad("unsupported scheme '" + split->scheme + "' (want redis-cluster://)");
  }
  if (!split->path.empty()) return bad("a cluster URL has no path (Redis Cluster has only db 0): '" + std::string(url) + "'");
  auto hosts = parse_hosts(split->hosts, 6379, url);
  if (!hosts) return hosts.error();
  ClusterSpec spec;
  for (auto& ep : *hosts) {
    ep.transport = split->scheme == "rediss-cluster" ? Endpoint::Transport::tls : Endpoint::Transport::tcp;
    ep.user = split->user;
    ep.password = split->password;
    spec.seeds.push_back(std::move(ep));
  }
  return spec;
}

Result<SentinelSpec> parse_sentinel_url(std::string_view url) {
  auto split = split_url(url);
  if (!split) return split.error();
  if (split->scheme != "redis-sentinel") return bad("unsupported scheme '" + split->scheme + "' (want redis-sentinel://)");
  auto hosts = parse_hosts(split->hosts, 26379, url);
  if (!hosts) return hosts.error();
  SentinelSpec spec;
  std::string_view path = split->path;
  const auto slash = path.find('/');
  spec.master_name = percent_decode(path.substr(0, slash));
  if (spec.master_name.empty()) return bad("a sentinel URL needs the master name: redis-sentinel://host:port/mastername");
  if (slash != std::string_view::npos && slash + 1 < path.size()) {
    std::string_view db_text = path.substr(slash + 1);
    int db = -1;
    auto [p, ec] = std::from_chars(db_text.data(), db_text.data() + db_text.size(), db);
    if (ec != std::errc() || p != db_text.data() + db_text.size() || db < 0) {
      return bad("database must be a non-negative number in " + std::string(url));
    }
    spec.node_template.db = db;
  }
  spec.node_template.user = split->user;
  spec.node_template.password = split->password;
  std::string sentinel_user;
  std::string sentinel_password;
  std::string_view query = split->query;
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (key == "sentinel_password") {
      sentinel_password = value;
    } else if (key == "sentinel_user") {
      sentinel_user = value;
    } else {
      return bad("unknown sentinel URL parameter '" + std::string(key) + "'");
    }
  }
  for (auto& ep : *hosts) {
    ep.user = sentinel_user;
    ep.password = sentinel_password;
    spec.sentinels.push_back(std::move(ep));
  }
  return spec;
}

}  // namespace ragcache::redis
