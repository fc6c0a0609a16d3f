// End-to-end tests of GET /dashboard: `ragcache serve` in front of `ragcache mock-llm` on a real
// redis-server, the page loaded in headless Chromium (tools/node/e2e/dashboard_check.mjs, driven
// by playwright-core with the system chromium). The page's numbers must equal /metrics, which
// this test reads and parses itself (an oracle independent of the page's JavaScript). The run
// leaves a screenshot in <build>/artifacts/dashboard.png.
//
// Chromium missing is a failure, not a skip: scripts/common.sh installs it for CI.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

#include "support/process.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"

namespace ragcache {
namespace {

namespace json = boost::json;
using testing::RagcacheProcess;
using testing::RedisServer;

// One sample of Prometheus text: name, the text between the braces, value.
struct Sample {
  std::string name;
  std::string labels;
  double value = 0;
};

std::vector<Sample> parse_samples(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    const auto brace = line.find('{');
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    if (brace != std::string::npos && brace < space) {
      s.name = line.substr(0, brace);
      s.labels = line.substr(brace + 1, line.rfind('}') - brace - 1);
    } else {
      s.name = line.substr(0, space);
    }
    const std::string v = line.substr(space + 1);
    s.value = v == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(v);
    out.push_back(std::move(s));
  }
  return out;
}

// Sum of `name` over the samples whose label text contains `label` (every sample when empty).
double metric_sum(const std::vector<Sample>& samples, const std::string& name, const std::string& label = {}) {
  double total = 0;
  for (const auto& s : samples) {
    if (s.name == name && s.labels.find(label) != std::string::npos) total += s.value;
  }
  return total;
}

// PromQL histogram_quantile over the `_bucket` samples matching `label`: linear within the bucket
// the rank falls in; the highest finite bound when it falls in +Inf; NaN without observations.
double quantile(const std::vector<Sample>& samples, const std::string& name, const std::string& label, double q) {
  std::map<double, double> by_le;
  for (const auto& s : samples) {
    if (s.name != name + "_bucket" || s.labels.find(label) == std::string::npos) continue;
    const auto at = s.labels.find("le=\"");
    const std::string le = s.labels.substr(at + 4, s.labels.find('"', at + 4) - at - 4);
    by_le[le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le)] += s.value;
  }
  if (by_le.empty() || by_le.rbegin()->second <= 0) return std::nan("");
  const double rank = q * by_le.rbegin()->second;
  double prev_le = 0, prev_count = 0;
  for (const auto& [le, count] : by_le) {
    if (count >= rank && count > prev_count) {
      if (std::isinf(le)) return prev_le;
      return prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count);
    }
    if (!std::isinf(le)) prev_le = le;
    prev_count = count;
  }
  return prev_le;
}

double dom_number(const json::object& dom, const std::string& id) {
  const auto* el = dom.if_contains(id);
  if (!el || !el->is_object()) throw std::runtime_error("no element #" + id + " on the page");
  const auto& v = el->at("value");
  if (!v.is_string() || v.as_string().empty()) throw std::runtime_error("#" + id + " has no data-value");
  return std::stod(std::string(v.as_string()));
}

std::filesystem::path artifacts_dir() {
  // <build>/src/app/ragcache -> <build>/artifacts
  auto dir = std::filesystem::path(testing::ragcache_binary()).parent_path().parent_path().parent_path() / "artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::string> gateway_args(const RedisServer& redis, const RagcacheProcess& mock) {
  return {"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1", "--io-threads", "2"};
}

TEST(DashboardE2E, PageShowsTheNumbersOfMetricsInHeadlessChromium) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm", "--latency-ms", "5"});
  RagcacheProcess gateway(gateway_args(redis, mock));
  const auto screenshot = artifacts_dir() / "dashboard.png";
  std::filesystem::remove(screenshot);
  const std::string script = std::string(RAGCACHE_SOURCE_DIR) + "/tools/node/e2e/dashboard_check.mjs";
  const std::string out = testing::run_command("node " + script + " " + gateway.base_url() + " " + screenshot.string() + " 2>&1");
  json::value parsed;
  try {
    parsed = json::parse(out);
  } catch (const std::exception&) {
    FAIL() << "dashboard check output is not JSON (are node, playwright-core and chromium installed? "
              "scripts/test.sh installs them):\n"
           << out;
  }
  const auto& r = parsed.as_object();
  ASSERT_FALSE(r.contains("fatal")) << out;

  // /metrics right after the browser closed: nothing has sent a chat request since the page's
  // last refresh (the page's own polling is not counted as requests).
  std::string metrics_text;
  ASSERT_EQ(testing::http_request("GET", gateway.base_url() + "/metrics", {}, {}, &metrics_text), 200);
  const auto samples = parse_samples(metrics_text);

  EXPECT_EQ(r.at("page_status"), 200);
  EXPECT_TRUE(r.at("console_errors").as_array().empty() || [&] {
    // Only the failed fetches of the "unreachable" phase may be logged (Chromium logs them itself).
    for (const auto& e : r.at("console_errors").as_array()) {
      if (e.at("phase") != "unreachable" || !std::string(e.at("text").as_string()).starts_with("Failed to load resource")) {
        return false;
      }
    }
    return true;
  }()) << json::serialize(r.at("console_errors"));
  EXPECT_TRUE(r.at("page_errors").as_array().empty()) << json::serialize(r.at("page_errors"));

  const auto& dom = r.at("dom").as_object();
  EXPECT_EQ(dom.at("status"), "live");
  EXPECT_EQ(dom.at("redis"), "up");
  EXPECT_EQ(dom.at("unreachable_hidden"), true);
  // Requests by kind: what /metrics says, and what the client saw in X-Cache.
  const auto& xcache = r.at("xcache").as_object();
  double total = 0;
  for (const std::string kind : {"HIT", "SEMANTIC", "SHARED", "MISS", "BYPASS"}) {
    const double in_metrics = metric_sum(samples, "ragcache_requests_total", "cache=\"" + kind + "\"");
    EXPECT_EQ(dom_number(dom, "count-" + kind), in_metrics) << kind;
    const auto* seen = xcache.if_contains(kind);
    EXPECT_EQ(in_metrics, seen ? seen->to_number<double>() : 0.0) << kind;
    total += in_metrics;
  }
  // The workload: 10 questions asked 4 times, 3 streamed twice, 3 session turns before the page
  // opened; 4 rounds of 2 questions asked 5 times while it was open. Repeats never miss.
  EXPECT_EQ(total, 10 * 4 + 3 * 2 + 3 + 4 * 2 * 5);
  EXPECT_GE(total - metric_sum(samples, "ragcache_requests_total", "cache=\"MISS\"") -
                metric_sum(samples, "ragcache_requests_total", "cache=\"BYPASS\""),
            10 * 3 + 3 + 4 * 2 * 4);
  EXPECT_EQ(dom_number(dom, "count-other"), metric_sum(samples, "ragcache_requests_total") - total);
  EXPECT_EQ(dom_number(dom, "total-requests"), metric_sum(samples, "ragcache_requests_total"));
  EXPECT_EQ(dom_number(dom, "upstream-calls"), metric_sum(samples, "ragcache_upstream_calls_total"));
  EXPECT_GT(dom_number(dom, "upstream-calls"), 0);
  EXPECT_EQ(dom_number(dom, "tokens-saved"), metric_sum(samples, "ragcache_upstream_tokens_saved_total"));
  EXPECT_GT(dom_number(dom, "tokens-saved"), 0);
  EXPECT_EQ(dom_number(dom, "redis-errors"), metric_sum(samples, "ragcache_redis_errors_total"));
  // Latency percentiles from the histogram buckets.
  const std::string hist = "ragcache_request_duration_seconds";
  EXPECT_NEAR(dom_number(dom, "lat-all-p50"), quantile(samples, hist, "", 0.5), 1e-9);
  EXPECT_NEAR(dom_number(dom, "lat-all-p90"), quantile(samples, hist, "", 0.9), 1e-9);
  EXPECT_NEAR(dom_number(dom, "lat-all-p99"), quantile(samples, hist, "", 0.99), 1e-9);
  EXPECT_NEAR(dom_number(dom, "lat-hit-p50"), quantile(samples, hist, "cache=\"HIT\"", 0.5), 1e-9);
  EXPECT_NEAR(dom_number(dom, "lat-miss-p99"), quantile(samples, hist, "cache=\"MISS\"", 0.99), 1e-9);
  // Sessions active (the one session of the workload) and hot questions, as the API gives them.
  EXPECT_EQ(dom_number(dom, "sessions-active"), r.at("stats_api").at("sessions").at("active").to_number<double>());
  EXPECT_EQ(dom_number(dom, "sessions-active"), 1);
  std::vector<std::string> hot_api, hot_dom;
  for (const auto& q : r.at("hot_api").at("questions").as_array()) hot_api.emplace_back(q.at("question").as_string());
  for (const auto& q : dom.at("hot").as_array()) hot_dom.emplace_back(q.as_string());
  EXPECT_FALSE(hot_api.empty());
  EXPECT_EQ(hot_dom, hot_api);

  // Empty metrics: zeros and dashes, no exception (checked above for every phase).
  EXPECT_EQ(r.at("empty").at("total"), "0");
  EXPECT_EQ(r.at("empty").at("hit_rate"), "–");
  EXPECT_EQ(r.at("empty").at("p50"), "–");
  EXPECT_EQ(r.at("empty").at("status"), "live");
  // Unreachable: said so plainly, then back to live by itself.
  EXPECT_EQ(r.at("unreachable").at("status"), "unreachable");
  EXPECT_EQ(r.at("unreachable").at("banner_visible"), true);
  EXPECT_NE(std::string(r.at("unreachable").at("banner_text").as_string()).find("Gateway unreachable"), std::string::npos);
  EXPECT_EQ(r.at("recovered").at("status"), "live");
  EXPECT_EQ(r.at("recovered").at("banner_visible"), false);

  // The page's Prometheus module on fixed input (PromQL's interpolation).
  const auto& prom = r.at("prom").as_object();
  EXPECT_NEAR(prom.at("hit_p50").to_number<double>(), 0.2, 1e-12);
  EXPECT_NEAR(prom.at("hit_p90").to_number<double>(), 0.36, 1e-12);
  EXPECT_NEAR(prom.at("miss_p50").to_number<double>(), 0.4, 1e-12);
  EXPECT_TRUE(prom.at("empty_p50").is_null());
  EXPECT_EQ(prom.at("odd_label"), "a \"quoted\" \\ value");
  EXPECT_EQ(prom.at("odd_value").to_number<double>(), 7);

  ASSERT_TRUE(std::filesystem::exists(screenshot));
  EXPECT_GT(std::filesystem::file_size(screenshot), 10000u);
  std::printf("dashboard screenshot: %s\n", screenshot.c_str());
}

TEST(DashboardE2E, ServedEmbeddedWithTypeEtagAndStrictCsp) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gateway(gateway_args(redis, mock));
  std::string body, headers;
  ASSERT_EQ(testing::http_request("GET", gateway.base_url() + "/dashboard", {}, {}, &body, &headers), 200);
  EXPECT_NE(body.find("<canvas id=\"rate-chart\""), std::string::npos);
  auto header = [&](const std::string& name) { return testing::header_value(headers, name); };
  EXPECT_EQ(header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(header("Cache-Control"), "no-cache");
  const std::string etag = header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(testing::http_request("GET", gateway.base_url() + "/dashboard", {}, {"If-None-Match: " + etag}), 304);

  ASSERT_EQ(testing::http_request("GET", gateway.base_url() + "/dashboard/app.js", {}, {}, &body, &headers), 200);
  EXPECT_EQ(header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(header("ETag"), etag);
  EXPECT_EQ(testing::http_request("GET", gateway.base_url() + "/dashboard/missing.js", {}, {}, &body), 404);
  EXPECT_NE(body.find("\"error\""), std::string::npos);

  // Stats carries what the page shows beside /metrics.
  ASSERT_EQ(testing::http_request("GET", gateway.base_url() + "/v1/ragcache/stats", {}, {}, &body), 200);
  const auto stats = json::parse(body).as_object();
  EXPECT_EQ(stats.at("sessions").at("active").to_number<int>(), 0);
  EXPECT_EQ(stats.at("sessions").at("active_window_seconds").to_number<int>(), 300);
  EXPECT_EQ(stats.at("redis").at("cache_connected"), true);
  EXPECT_EQ(testing::http_request("GET", gateway.base_url() + "/v1/ragcache/sessions/s-42", {}, {}, &body), 404);
  ASSERT_EQ(testing::http_request("GET", gateway.base_url() + "/v1/ragcache/stats", {}, {}, &body), 200);
  EXPECT_EQ(json::parse(body).at("sessions").at("active").to_number<int>(), 1);
}

}  // namespace
}  // namespace ragcache
