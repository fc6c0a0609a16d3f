#include "http/router.h"

#include <algorithm>
#include <stdexcept>

namespace ragcache::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  parts.reserve(8);  // every route has fewer segments: one allocation per request, not one per doubling
  if (!path.empty() && path[0] == '/') path.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(path.substr(start));
      break;
    }
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::optional<std::string> percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;  // needs two hex digits after '%'
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

void Router::add(bhttp::verb method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern[0] != '/') throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  Route r{method, std::string(pattern), {}, std::move(handler)};
  for (auto part : split_path(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      if (part.size() == 2) throw std::invalid_argument("empty parameter name in route " + r.pattern);
      r.segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("a parameter must be a whole segment in route " + r.pattern);
      }
      r.segments.push_back({std::string(part), false});
    }
  }
  routes_.push_back(std::move(r));
}

void Router::fallback(std::string prefix, std::vector<std::string> excluded, Handler handler, bool stream_body) {
  if (prefix.empty() || prefix[0] != '/') throw std::invalid_argument("fallback prefix must start with '/': " + prefix);
  fallbacks_.push_back(Fallback{std::move(prefix), std::move(excluded), std::move(handler), stream_body});
}

bool Router::match_segments(const Route& r, const std::vector<std::string_view>& parts, Request::Params* params) {
  if (r.segments.size() != parts.size()) return false;
  Request::Params out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    if (!seg.is_param) {
      if (seg.text != parts[i]) return false;
      continue;
    }
    if (parts[i].empty()) return false;
    auto decoded = percent_decode(parts[i]);
    if (!decoded) return false;
    out.emplace_back(seg.text, std::move(*decoded));
  }
  if (params) *params = std::move(out);
  return true;
}

Router::Match Router::match(bhttp::verb method, std::string_view path) const {
  Match m;
  auto parts = split_path(path);
  for (const auto& r : routes_) {
    if (r.method != method) continue;
    if (match_segments(r, parts, &m.params)) {
      m.handler = &r.handler;
      return m;
    }
  }
  for (const auto& f : fallbacks_) {
    if (path.starts_with(f.prefix) && !std::any_of(f.excluded.begin(), f.excluded.end(), [&](const std::string& x) {
          return path.starts_with(x);
        })) {
      m.handler = &f.handler;
      m.stream_body = f.stream_body;
      return m;
    }
  }
  for (const auto& r : routes_) {
    if (!match_segments(r, parts, nullptr)) continue;
    auto name = bhttp::to_string(r.method);
    std::string_view n(name.data(), name.size());
    if (m.allow.find(n) != std::string::npos) continue;
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += n;
  }
  return m;
}

}  // namespace ragcache::http
