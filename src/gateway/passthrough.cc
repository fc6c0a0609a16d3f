#include "gateway/passthrough.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>
#include <boost/beast/core/string.hpp>
#include <string>
#include <vector>

#include "gateway/upstream_failure.h"

namespace ragcache::gateway {

namespace {

namespace beast = boost::beast;

constexpr std::array<std::string_view, 10> kHopByHop = {
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
    "te",         "trailer",    "transfer-encoding", "upgrade",           "content-length"};

bool in_list(std::string_view name, std::span<const std::string_view> list) {
  return std::any_of(list.begin(), list.end(), [&](std::string_view l) { return beast::iequals(l, name); });
}

// The headers a Connection header names are hop-by-hop too.
std::vector<std::string> connection_tokens(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view token = value.substr(0, comma);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (!token.empty()) out.emplace_back(token);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  return out;
}

bool is_gateway_control(std::string_view name) {
  static constexpr std::array<std::string_view, 4> kControls = {"x-session-id", "x-source-docs", "x-resolved-query",
                                                                "x-semantic-threshold"};
  return in_list(name, kControls) || (name.size() > 8 && beast::iequals(name.substr(0, 8), "x-cache-"));
}

template <class Fields>
http::Headers filtered(const Fields& fields, std::string_view connection, auto&& keep) {
  const auto named = connection_tokens(connection);
  http::Headers out;
  for (const auto& [name, value] : fields) {
    if (in_list(name, kHopByHop)) continue;
    if (std::any_of(named.begin(), named.end(), [&](const std::string& n) { return beast::iequals(n, name); })) continue;
    if (!keep(std::string_view(name))) continue;
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

}  // namespace

http::Headers passthrough_request_headers(const http::Request& req, bool forward_authorization) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  for (const auto& f : req.raw()) {
    fields.emplace_back(std::string_view(f.name_string().data(), f.name_string().size()),
                        std::string_view(f.value().data(), f.value().size()));
  }
  return filtered(fields, req.header("Connection"), [&](std::string_view name) {
    // Host and Content-Type are re-made; Expect was answered here already (100 Continue).
    if (beast::iequals(name, "host") || beast::iequals(name, "content-type") || beast::iequals(name, "expect")) {
      return false;
    }
    if (beast::iequals(name, "authorization")) return forward_authorization;
    return !is_gateway_control(name);
  });
}

http::Headers passthrough_response_headers(const http::Headers& upstream) {
  std::string_view connection;
  for (const auto& [name, value] : upstream) {
    if (beast::iequals(name, "connection")) connection = value;
  }
  return filtered(upstream, connection, [](std::string_view name) {
    return !beast::iequals(name, "content-type") && !beast::iequals(name, "x-cache");  // set by the writer / us
  });
}

std::string_view passthrough_endpoint(std::string_view target) {
  if (target.starts_with("/v1/") || target == "/v1") target.remove_prefix(3);
  return target;
}

boost::asio::awaitable<void> pass_through(http::UpstreamClient& upstream, const http::Request& req,
                                          http::ResponseWriter& w, bool forward_authorization) {
  http::UpstreamRequest up;
  up.method = req.method();
  up.endpoint = std::string(passthrough_endpoint(req.target()));
  if (auto* reader = req.body_reader()) {
    // Streamed both ways: the upload goes on as it arrives, with its own length when it has one.
    up.body_source = [reader]() { return reader->next(); };
    if (req.has_header("Content-Length")) {
      std::size_t size = 0;
      const auto text = req.header("Content-Length");
      if (std::from_chars(text.data(), text.data() + text.size(), size).ec == std::errc()) up.body_size = size;
    }
  } else {
    up.body = req.body();
  }
  up.content_type = req.has_header("Content-Type") ? std::string(req.header("Content-Type")) : std::string();
  up.headers = passthrough_request_headers(req, forward_authorization);
  auto opened = co_await upstream.open_stream(std::move(up));
  if (!opened) {
    auto reply = failure_reply(opened.error());
    http::Response r{reply.status, reply.content_type, std::move(reply.body), {{"X-Cache", "BYPASS"}}};
    co_await w.send(std::move(r));
    co_return;
  }
  http::UpstreamStream stream = std::move(*opened);
  http::Headers headers = passthrough_response_headers(stream.headers());
  headers.emplace_back("X-Cache", "BYPASS");
  std::string content_type(stream.header("Content-Type"));
  if (stream.status() == 204 || stream.status() == 304) {  // no body allowed: no chunked framing either
    http::Response r{stream.status(), std::move(content_type), {}, std::move(headers)};
    co_await w.send(std::move(r));
    co_return;
  }
  auto started = co_await w.start_stream(stream.status(), content_type, std::move(headers));
  if (!started) co_return;
  for (;;) {
    auto piece = co_await stream.next();
    if (!piece) {
      w.abort();  // the upstream failed half-way: the caller must see a truncated body
      co_return;
    }
    if (!*piece) break;
    auto written = co_await w.write(**piece);
    if (!written) co_return;
  }
  co_await w.finish();
}

}  // namespace ragcache::gateway
