#include "http/standard_routes.h"

namespace ragcache::http {

void add_health_route(Router& router) {
  router.get("/healthz", [](Request&, ResponseWriter& w) -> boost::asio::awaitable<void> {
    co_await w.send_json(200, R"({"status":"ok"})");
  });
}

void add_metrics_route(Router& router, const MetricsRegistry& registry) {
  router.get("/metrics", [&registry](Request&, ResponseWriter& w) -> boost::asio::awaitable<void> {
    co_await w.send(Response::text(200, registry.render(), std::string(MetricsRegistry::kContentType)));
  });
}

}  // namespace ragcache::http
