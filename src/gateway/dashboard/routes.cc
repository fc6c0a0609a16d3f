#include "gateway/dashboard/routes.h"

#include <string>

#include "http/api_error.h"

namespace ragcache::dashboard {

namespace asio = boost::asio;

http::Response asset_response(const Asset& asset, std::string_view if_none_match) {
  http::Headers headers{
      {"ETag", asset.etag},
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  if (!if_none_match.empty() && etag_matches(if_none_match, asset.etag)) {
    return http::Response{304, asset.content_type, {}, std::move(headers)};
  }
  return http::Response{200, asset.content_type, std::string(asset.body), std::move(headers)};
}

namespace {

asio::awaitable<void> serve_asset(std::string_view name, http::Request& req, http::ResponseWriter& w) {
  const Asset* asset = embedded_assets().find(name);
  if (!asset) {
    co_await w.send_error(http::not_found("No dashboard file '" + std::string(name) + "'"));
    co_return;
  }
  http::Response r = asset_response(*asset, req.header("If-None-Match"));
  co_await w.send(std::move(r));
}

}  // namespace

void add_dashboard_routes(http::Router& router) {
  router.get("/dashboard", [](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
    return serve_asset("index.html", req, w);
  });
  router.get("/dashboard/{file}", [](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
    return serve_asset(req.param("file"), req, w);
  });
}

}  // namespace ragcache::dashboard
