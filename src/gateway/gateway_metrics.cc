#include "gateway/gateway_metrics.h"

namespace ragcache::gateway {

GatewayMetrics::GatewayMetrics(http::MetricsRegistry& r)
    : upstream_calls(r.counter("upstream_calls_total", "Calls made to the upstream model").with({})),
      tokens_saved(r.counter("upstream_tokens_saved_total",
                             "Upstream tokens (prompt + completion) not spent thanks to the cache")
                       .with({})),
      redis_errors(r.counter("redis_errors_total", "Redis operations that failed (cache bypassed)").with({})),
      session_errors(r.counter("session_errors_total", "Session turns answered but not stored").with({})),
      requests_(r.counter("requests_total", "Chat completion and Responses requests by cache result", {"cache"})),
      duration_(r.histogram("request_duration_seconds", "Chat completion and Responses request duration", {"cache"})) {
  // Every cache result's series up front (they show as 0 until used).
  for (std::size_t i = 0; i < kLabels.size(); ++i) {
    counts_[i] = &requests_.with({kLabels[i]});
    durations_[i] = &duration_.with({kLabels[i]});
  }
}

void GatewayMetrics::record(std::string_view cache, std::chrono::steady_clock::time_point start) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t i = 0; i < kLabels.size(); ++i) {
    if (kLabels[i] != cache) continue;
    counts_[i]->inc();
    durations_[i]->observe(seconds);
    return;
  }
  requests_.with({cache}).inc();
  duration_.with({cache}).observe(seconds);
}

}  // namespace ragcache::gateway
