#include "http/gateway/errors.h"

#include <charconv>

#include "base/error_category.h"
#include "http/errors.h"

namespace ragcache::gateway {
namespace {

constexpr std::string_view kMarker = "upstream-status ";

}  // namespace

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("gateway", {
      {Errc::ok, "ok"},
      {Errc::upstream_status, "upstream error status"},
      {Errc::upstream_protocol, "malformed upstream response"},
  });
  return instance;
}

Error upstream_status_error(int status, std::string_view body) {
  return Error(Errc::upstream_status, std::string(kMarker) + std::to_string(status) + " " + std::string(body));
}

std::optional<UpstreamStatus> find_upstream_status(const Error& e) {
  auto pos = e.detail.find(kMarker);
  if (pos == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(e.detail).substr(pos + kMarker.size());
  int status = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), status);
  if (ec != std::errc() || status < 100 || status > 599) return std::nullopt;
  rest.remove_prefix(static_cast<std::size_t>(p - rest.data()));
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return UpstreamStatus{status, std::string(rest)};
}

http::ApiError api_error_for(const Error& e) {
  if (auto up = find_upstream_status(e)) {
    auto err = http::error_for_status(up->status, "Upstream error: " + up->body.substr(0, 2000));
    return err;
  }
  if (e.code == http::HttpErrc::connect_timeout || e.code == http::HttpErrc::first_byte_timeout ||
      e.code == http::HttpErrc::read_timeout || e.code == http::HttpErrc::total_timeout ||
      e.code == ragcache::Errc::timeout) {
    return http::gateway_timeout("Upstream timed out: " + e.message());
  }
  return http::bad_gateway("Upstream request failed: " + e.message());
}

}  // namespace ragcache::gateway
