#include "http/request.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace ragcache::http {

namespace {
std::string_view sv(boost::core::string_view s) { return {s.data(), s.size()}; }
}  // namespace

Request::Request(Raw raw, std::string remote_address)
    : raw_(std::move(raw)), remote_address_(std::move(remote_address)) {}

std::string_view Request::method_string() const { return sv(raw_.method_string()); }

std::string_view Request::target() const { return sv(raw_.target()); }

std::string_view Request::path() const {
  std::string_view t = target();
  auto q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

std::optional<std::string> Request::query(std::string_view name) const {
  auto parsed = boost::urls::parse_origin_form(sv(raw_.target()));
  if (!parsed) return std::nullopt;
  auto params = parsed->params();
  auto it = params.find(boost::core::string_view(name.data(), name.size()));
  if (it == params.end()) return std::nullopt;
  auto p = *it;
  return p.has_value ? std::string(p.value) : std::string();
}

std::string_view Request::header(std::string_view name) const {
  auto it = raw_.find(boost::core::string_view(name.data(), name.size()));
  if (it == raw_.end()) return {};
  return sv(it->value());
}

bool Request::has_header(std::string_view name) const {
  return raw_.find(boost::core::string_view(name.data(), name.size())) != raw_.end();
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace ragcache::http
