#include "gateway/gateway.h"

#include <boost/json/serialize.hpp>

#include "gateway/limit_headers.h"
#include "gateway/dashboard/routes.h"
#include "gateway/passthrough.h"
#include "http/standard_routes.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

Gateway::Gateway(GatewayDeps deps, GatewayOptions options)
    : deps_(std::move(deps)), options_(std::move(options)), metrics_(*deps_.metrics),
      authenticator_(options_, deps_.keys), pipeline_(deps_, options_, metrics_) {}

Gateway::~Gateway() = default;

void Gateway::add_routes(http::Router& router) {
  auto tenant = [this](TenantHandler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return as_tenant(req, w, method); };
  };
  auto admin = [this](Handler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return as_admin(req, w, method); };
  };
  auto open = [this](Handler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return as_open(req, w, method); };
  };
  router.post("/v1/chat/completions", tenant(&Gateway::chat_completions));
  router.post("/v1/responses", tenant(&Gateway::responses));
  router.post("/v1/embeddings", tenant(&Gateway::embeddings));
  router.get("/v1/ragcache/sessions/{sid}", tenant(&Gateway::session_get));
  router.post("/v1/ragcache/sessions/{sid}/messages", tenant(&Gateway::session_append));
  router.put("/v1/ragcache/sessions/{sid}/context", tenant(&Gateway::session_context));
  router.del("/v1/ragcache/sessions/{sid}", tenant(&Gateway::session_delete));
  router.get("/v1/ragcache/hot", tenant(&Gateway::hot));
  router.post("/v1/ragcache/cache/invalidate", admin(&Gateway::invalidate));
  router.get("/v1/ragcache/stats", admin(&Gateway::stats));
  router.post("/v1/ragcache/docs/{id}/begin", admin(&Gateway::doc_begin));
  router.post("/v1/ragcache/docs/{id}/finish", admin(&Gateway::doc_end));
  router.post("/v1/ragcache/docs/{id}/fail", admin(&Gateway::doc_end));
  router.get("/v1/ragcache/docs/{id}", admin(&Gateway::doc_get));
  router.post("/v1/ragcache/keys", admin(&Gateway::key_create));
  router.get("/v1/ragcache/keys", admin(&Gateway::key_list));
  router.del("/v1/ragcache/keys/{id}", admin(&Gateway::key_revoke));
  router.get("/readyz", open(&Gateway::readyz));
  http::add_health_route(router);
  http::add_metrics_route(router, *deps_.metrics);
  // The page and its files hold no data; what it shows comes from the admin routes above.
  dashboard::add_dashboard_routes(router);
  // Everything else under /v1 (GET /v1/models, files, moderations, GET /v1/responses/{id}, ...)
  // belongs to the upstream; /v1/ragcache/ is ours and answers 404 for what it does not know.
  router.fallback("/v1/", {"/v1/ragcache/"}, tenant(&Gateway::passthrough), /*stream_body=*/true);
}

// One Lua call; a refused request costs nothing more.
asio::awaitable<bool> Gateway::within_request_rate(const Caller& caller, http::ResponseWriter& w) {
  if (caller.rate.unlimited() || !deps_.rate_limiter) co_return true;
  auto decision = co_await deps_.rate_limiter->check(caller.rate_subject, caller.rate);
  if (!decision) {
    metrics_.redis_errors.inc();
    decision = limits::rate_decision_on_error(options_.limiter_failure, caller.rate, std::chrono::seconds(1));
  }
  if (decision->allowed) co_return true;
  http::Headers headers;
  for (auto& h : rate_limit_headers(*decision)) headers.emplace_back(h.name, h.value);
  // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
  http::Response refused{429, "application/json", rate_limit_error_body(*decision), std::move(headers)};
  co_await w.send(std::move(refused));
  co_return false;
}

asio::awaitable<void> Gateway::chat_completions(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                                RequestLog& log) {
  // Named: GCC 12 mis-compiles co_await inside a condition's expression.
  const bool admitted = co_await within_request_rate(caller, w);
  if (!admitted) {
    metrics_.record("RATE_LIMITED", std::chrono::steady_clock::now());
    co_return;
  }
  if (req.has_header("X-Session-Id")) active_sessions_.touch(tenant_scoped_id(caller.tenant, req.header("X-Session-Id")));
  co_await pipeline_.run(ApiKind::chat, req, w, caller, log);
}

asio::awaitable<void> Gateway::responses(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                         RequestLog& log) {
  // Named: GCC 12 mis-compiles co_await inside a condition's expression.
  const bool admitted = co_await within_request_rate(caller, w);
  if (!admitted) {
    metrics_.record("RATE_LIMITED", std::chrono::steady_clock::now());
    co_return;
  }
  co_await pipeline_.run(ApiKind::responses, req, w, caller, log);
}

asio::awaitable<void> Gateway::passthrough(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                           RequestLog& log) {
  const bool admitted = co_await within_request_rate(caller, w);
  if (!admitted) co_return;
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
