// Routes every ragcache server has: liveness and the Prometheus scrape.
#pragma once

#include "http/metrics.h"
#include "http/router.h"

namespace ragcache::http {

// GET /healthz -> 200 {"status":"ok"}: the process is up and serving HTTP.
void add_health_route(Router& router);

// GET /metrics -> Prometheus text exposition of `registry` (which must outlive the router).
void add_metrics_route(Router& router, const MetricsRegistry& registry);

}  // namespace ragcache::http
