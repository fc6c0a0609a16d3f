// The gateway's Prometheus series (ragcache_...): requests and their duration by cache result,
// upstream calls, upstream tokens saved, Redis errors. Resolved once at construction: the
// per-request path never builds a label string or takes the registry's lock.
#pragma once

#include <array>
#include <chrono>
#include <string_view>

#include "http/metrics.h"

namespace ragcache::gateway {

class GatewayMetrics {
 public:
  explicit GatewayMetrics(http::MetricsRegistry& registry);

  // One request ended with `cache` (an X-Cache value, ERROR or RATE_LIMITED).
  void record(std::string_view cache, std::chrono::steady_clock::time_point start);

  http::Counter& upstream_calls;
  http::Counter& tokens_saved;
  http::Counter& redis_errors;
  http::Counter& session_errors;

  static constexpr std::array<std::string_view, 7> kLabels = {"HIT",    "SEMANTIC", "MISS",        "SHARED",
                                                              "BYPASS", "ERROR",    "RATE_LIMITED"};

 private:
  http::CounterFamily& requests_;
  http::HistogramFamily& duration_;
  std::array<http::Counter*, kLabels.size()> counts_{};
  std::array<http::Histogram*, kLabels.size()> durations_{};
};

}  // namespace ragcache::gateway
