#include "gateway/gateway.h"

#include <boost/json/serialize.hpp>

#include "base/hash.h"
#include "domain/limits/limit_headers.h"
#include "gateway/dashboard/routes.h"
#include "gateway/passthrough.h"
#include "http/standard_routes.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

Gateway::Gateway(GatewayDeps deps, GatewayOptions options)
    : deps_(std::move(deps)), options_(std::move(options)), metrics_(*deps_.metrics),
      pipeline_(deps_, options_, metrics_) {}

Gateway::~Gateway() = default;

std::string Gateway::tenant_of(const http::Request& req) const {
  if (options_.shared_tenant) return "shared";
  std::string_view auth = req.header("Authorization");
  if (auth.empty()) return "anonymous";
  // Only a hash of the key is ever used or stored.
  return sha256_hex(auth).substr(0, 32);
}

void Gateway::add_routes(http::Router& router) {
  // Every route goes through logged(): one access-log line per request (access_log.h).
  auto bind = [this](Handler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return logged(req, w, method); };
  };
  auto bind_logged = [this](LoggedHandler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return logged(req, w, method); };
  };
  router.post("/v1/chat/completions", bind_logged(&Gateway::chat_completions));
  router.post("/v1/responses", bind_logged(&Gateway::responses));
  router.post("/v1/embeddings", bind_logged(&Gateway::embeddings));
  router.get("/readyz", bind(&Gateway::readyz));
  http::add_health_route(router);
  http::add_metrics_route(router, *deps_.metrics);
  router.get("/v1/ragcache/sessions/{sid}", bind(&Gateway::session_get));
  router.post("/v1/ragcache/sessions/{sid}/messages", bind(&Gateway::session_append));
  router.put("/v1/ragcache/sessions/{sid}/context", bind(&Gateway::session_context));
  router.del("/v1/ragcache/sessions/{sid}", bind(&Gateway::session_delete));
  router.post("/v1/ragcache/cache/invalidate", bind(&Gateway::invalidate));
  router.get("/v1/ragcache/stats", bind(&Gateway::stats));
  router.get("/v1/ragcache/hot", bind(&Gateway::hot));
  router.post("/v1/ragcache/docs/{id}/begin", bind(&Gateway::doc_begin));
  router.post("/v1/ragcache/docs/{id}/finish", bind(&Gateway::doc_end));
  router.post("/v1/ragcache/docs/{id}/fail", bind(&Gateway::doc_end));
  router.get("/v1/ragcache/docs/{id}", bind(&Gateway::doc_get));
  dashboard::add_dashboard_routes(router);
  // Everything else under /v1 (GET /v1/models, files, moderations, GET /v1/responses/{id}, ...)
  // belongs to the upstream; /v1/ragcache/ is ours and answers 404 for what it does not know.
  router.fallback("/v1/", {"/v1/ragcache/"}, bind_logged(&Gateway::passthrough));
}

// One Lua call; a refused request costs nothing more.
asio::awaitable<bool> Gateway::within_request_rate(const std::string& tenant, http::ResponseWriter& w) {
  if (options_.rate.unlimited() || !deps_.rate_limiter) co_return true;
  auto decision = co_await deps_.rate_limiter->check(tenant, options_.rate);
  if (!decision) {
    metrics_.redis_errors.inc();
    decision = limits::rate_decision_on_error(options_.limiter_failure, options_.rate, std::chrono::seconds(1));
  }
  if (decision->allowed) co_return true;
  http::Headers headers;
  for (auto& h : limits::rate_limit_headers(*decision)) headers.emplace_back(h.name, h.value);
  // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
  http::Response refused{429, "application/json", limits::rate_limit_error_body(*decision), std::move(headers)};
  co_await w.send(std::move(refused));
  co_return false;
}

asio::awaitable<void> Gateway::chat_completions(http::Request& req, http::ResponseWriter& w, RequestLog& log) {
  std::string tenant = tenant_of(req);
  if (!co_await within_request_rate(tenant, w)) {
    metrics_.record("RATE_LIMITED", std::chrono::steady_clock::now());
    co_return;
  }
  if (req.has_header("X-Session-Id")) active_sessions_.touch(req.header("X-Session-Id"));
  co_await pipeline_.run(ApiKind::chat, req, w, std::move(tenant), log);
}

asio::awaitable<void> Gateway::responses(http::Request& req, http::ResponseWriter& w, RequestLog& log) {
  std::string tenant = tenant_of(req);
  if (!co_await within_request_rate(tenant, w)) {
    metrics_.record("RATE_LIMITED", std::chrono::steady_clock::now());
    co_return;
  }
  co_await pipeline_.run(ApiKind::responses, req, w, std::move(tenant), log);
}

asio::awaitable<void> Gateway::passthrough(http::Request& req, http::ResponseWriter& w, RequestLog& log) {
  if (!co_await within_request_rate(tenant_of(req), w)) co_return;
  const auto start = std::chrono::steady_clock::now();
  co_await pass_through(*deps_.upstream, req, w, options_.forward_authorization);
  log.cache = "BYPASS";
  log.upstream_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

asio::awaitable<void> Gateway::readyz(http::Request&, http::ResponseWriter& w) {
  const bool cache_ok = deps_.cache_redis->connected();
  const bool state_ok = deps_.state_redis->connected();
  json::object o;
  o["status"] = cache_ok && state_ok ? "ready" : "not ready";
  o["cache_redis"] = cache_ok;
  o["state_redis"] = state_ok;
  co_await w.send_json(cache_ok && state_ok ? 200 : 503, json::serialize(o));
}

}  // namespace ragcache::gateway
