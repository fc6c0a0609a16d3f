#include "gateway/upstream_failure.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/error_category.h"
#include "http/errors.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

constexpr std::string_view kMarker = "upstream-failure ";

std::string string_of(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("gateway", {
      {Errc::ok, "ok"},
      {Errc::upstream_status, "upstream error status"},
      {Errc::upstream_protocol, "malformed upstream response"},
  });
  return instance;
}

Error upstream_failure_error(const UpstreamFailure& failure) {
  json::object o;
  o["status"] = failure.status;
  o["body"] = failure.body;
  if (!failure.content_type.empty()) o["content_type"] = failure.content_type;
  if (!failure.retry_after.empty()) o["retry_after"] = failure.retry_after;
  return Error(Errc::upstream_status, std::string(kMarker) + json::serialize(o));
}

std::optional<UpstreamFailure> upstream_failure_of(const Error& e) {
  const auto pos = e.detail.find(kMarker);
  if (pos == std::string::npos) return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(std::string_view(e.detail).substr(pos + kMarker.size()), ec);
  const auto* o = ec ? nullptr : doc.if_object();
  const auto* status = o ? o->if_contains("status") : nullptr;
  if (!status || !status->is_int64() || status->as_int64() < 100 || status->as_int64() > 599) return std::nullopt;
  UpstreamFailure f;
  f.status = static_cast<int>(status->as_int64());
  f.body = string_of(*o, "body");
  f.content_type = string_of(*o, "content_type");
  f.retry_after = string_of(*o, "retry_after");
  return f;
}

FailureReply failure_reply(const http::ApiError& e) {
  FailureReply r;
  r.status = e.status;
  r.body = e.to_json();
  return r;
}

FailureReply failure_reply(const Error& e) {
  if (auto up = upstream_failure_of(e)) {
    FailureReply r;
    r.status = up->status;
    r.body = std::move(up->body);
    if (!up->content_type.empty()) r.content_type = std::move(up->content_type);
    if (!up->retry_after.empty()) r.headers.emplace_back("Retry-After", std::move(up->retry_after));
    return r;
  }
  if (e.code == http::HttpErrc::connect_timeout || e.code == http::HttpErrc::first_byte_timeout ||
      e.code == http::HttpErrc::read_timeout || e.code == http::HttpErrc::total_timeout ||
      e.code == ragcache::Errc::timeout) {
    return failure_reply(http::gateway_timeout("Upstream timed out: " + e.message()));
  }
  return failure_reply(http::bad_gateway("Upstream request failed: " + e.message()));
}

}  // namespace ragcache::gateway
