// `ragcache serve` while its Redis freezes: redis-server is SIGSTOP'd for 2 s under a steady
// load. Every request must still be answered (the cache is bypassed), none may wait for Redis
// to come back (the circuit breaker fails Redis calls at once after a few timeouts), the breaker
// shows in /metrics, and once the server is resumed answers are served from the cache again.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "support/gateway_load.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache {
namespace {

using namespace std::chrono_literals;
using testing::RagcacheProcess;

// The gateways' Redis command timeout: a budget, stretched on a slow machine (and with it every
// bound below that is a multiple of it).
const int kRedisTimeoutMs = static_cast<int>(testing::scaled(std::chrono::milliseconds(250)).count());

// The value of one sample of the Prometheus text, e.g. `ragcache_redis_circuit_state{role="cache"}`
// (-1 when absent).
double metric(const std::string& text, const std::string& sample) {
  const auto pos = text.find("\n" + sample + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(text.substr(pos + sample.size() + 2));
}

std::string metrics_of(const RagcacheProcess& gateway) {
  std::string body;
  testing::http_request("GET", gateway.base_url() + "/metrics", {}, {}, &body);
  return body;
}

TEST(GatewayFaults, RedisStoppedTwoSecondsUnderLoadEveryRequestAnsweredFastThenHitsReturn) {
  testing::RedisServer redis;
  RagcacheProcess mock({"mock-llm", "--latency-ms", "10"});
  RagcacheProcess gateway({"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1", "--io-threads", "2",
                           "--redis-timeout-ms", std::to_string(kRedisTimeoutMs), "--redis-breaker-failures", "3",
                           "--redis-breaker-open-ms", "300",
                           // No in-process L1: every lookup must go to Redis, so the freeze shows.
                           "--cache-l1-max-bytes", "0"});
  // Ten questions cached beforehand; the load repeats them (HITs while Redis is fine).
  auto question = [](int i) { return testing::LoadRequest{"cached question " + std::to_string(i % 10), i % 3 == 0}; };
  testing::LoadOptions warm;
  warm.gateway_urls = {gateway.base_url()};
  warm.requests = 10;
  warm.request = question;
  for (const auto& r : testing::run_gateway_load(warm)) ASSERT_EQ(r.status, 200) << r.error;

  // Load for ~4.5 s; Redis frozen from 1 s to 3 s.
  std::atomic<bool> stop_load{false};
  std::thread freezer([&] {
    std::this_thread::sleep_for(1s);
    redis.pause();
    std::this_thread::sleep_for(2s);
    redis.resume();
    std::this_thread::sleep_for(1500ms);
    stop_load = true;
  });
  testing::LoadOptions load;
  load.gateway_urls = {gateway.base_url()};
  load.workers = 16;
  load.requests = 1'000'000;
  load.request = question;
  load.keep_going = [&] { return !stop_load.load(); };
  load.request_timeout = 20s;
  std::vector<testing::LoadResult> results;
  try {
    results = testing::run_gateway_load(load);
  } catch (...) {
    freezer.join();
    throw;
  }
  freezer.join();

  ASSERT_GT(results.size(), 100u);
  std::map<std::string, int> by_cache;
  std::vector<std::chrono::milliseconds> latencies;
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200) << "started at " << r.started.count() << " ms: " << r.error;
    ++by_cache[r.x_cache];
    latencies.push_back(r.latency);
  }
  std::sort(latencies.begin(), latencies.end());
  const auto p99 = latencies[latencies.size() * 99 / 100];
  const auto worst = latencies.back();
  std::cout << results.size() << " requests; HIT " << by_cache["HIT"] << ", BYPASS " << by_cache["BYPASS"] << ", MISS "
            << by_cache["MISS"] << "; p99 " << p99.count() << " ms, max " << worst.count() << " ms\n";
  EXPECT_GT(by_cache["BYPASS"], 0) << "the freeze was not noticed";
  // No request waited for Redis to come back: a request makes a handful of Redis calls, each
  // bounded by the command timeout, and once the breaker is open they fail at once. The bound
  // is generous (it holds on a loaded 2-core machine) yet below the 2 s freeze itself.
  EXPECT_LT(worst.count(), 7 * kRedisTimeoutMs) << "a request waited on the frozen Redis";
  EXPECT_LT(p99.count(), 4 * kRedisTimeoutMs);

  const std::string during = metrics_of(gateway);
  EXPECT_GE(metric(during, "ragcache_redis_circuit_open_total{role=\"cache\"}"), 1) << during;
  EXPECT_GT(metric(during, "ragcache_redis_errors_total"), 0);

  // Recovered by itself: the cached questions are HITs again and the breaker is closed.
  const bool hits_again = testing::wait_until([&] {
    testing::LoadOptions probe;
    probe.gateway_urls = {gateway.base_url()};
    probe.requests = 10;
    probe.request = question;
    const auto again = testing::run_gateway_load(probe);
    return std::all_of(again.begin(), again.end(), [](const auto& r) { return r.status == 200 && r.x_cache == "HIT"; });
  }, 5s, 100ms);
  EXPECT_TRUE(hits_again) << "the cache did not come back after SIGCONT";
  EXPECT_EQ(metric(metrics_of(gateway), "ragcache_redis_circuit_state{role=\"cache\"}"), 0);
}

TEST(GatewayFaults, RedisFrozenSessionsAnswer503AndTheLimiterFollowsItsConfig) {
  testing::RedisServer redis;
  RagcacheProcess mock({"mock-llm", "--latency-ms", "10"});
  auto gateway_args = [&](const std::string& on_redis_error) {
    return std::vector<std::string>{"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1",
                                    "--redis-timeout-ms", std::to_string(kRedisTimeoutMs), "--redis-breaker-failures", "2",
                                    "--limits-requests-per-minute", "100000", "--limits-on-redis-error", on_redis_error,
                                    "--cache-l1-max-bytes", "0"};
  };
  RagcacheProcess fail_open(gateway_args("open"));
  RagcacheProcess fail_closed(gateway_args("closed"));
  const std::string chat = R"({"model":"mock-gpt","messages":[{"role":"user","content":"hello while frozen"}]})";
  auto ask = [&](const RagcacheProcess& g, const std::vector<std::string>& headers, std::string* x_cache = nullptr) {
    std::string body, response_headers;
    const int status = testing::http_request("POST", g.base_url() + "/v1/chat/completions", chat, headers, &body,
                                             &response_headers);
    if (x_cache) *x_cache = testing::header_value(response_headers, "X-Cache");
    return status;
  };
  ASSERT_EQ(ask(fail_open, {}), 200);
  ASSERT_EQ(ask(fail_closed, {}), 200);
  redis.pause();
  // Enough calls for both breakers to open; every answer comes back (none waits for Redis).
  for (int i = 0; i < 4; ++i) {
    std::string x_cache;
    EXPECT_EQ(ask(fail_open, {}, &x_cache), 200) << "fail-open limiter, call " << i;
    EXPECT_EQ(x_cache, "BYPASS");
    EXPECT_EQ(ask(fail_closed, {}), 429) << "fail-closed limiter, call " << i;
    EXPECT_EQ(ask(fail_open, {"X-Session-Id: frozen-session"}), 503) << "session call " << i;
  }
  std::string body;
  EXPECT_EQ(testing::http_request("GET", fail_open.base_url() + "/v1/ragcache/sessions/frozen-session", {}, {}, &body), 503)
      << body;
  redis.resume();
  // Both recover by themselves.
  const bool recovered = testing::wait_until(
      [&] { return ask(fail_closed, {}) == 200 && ask(fail_open, {"X-Session-Id: frozen-session"}) == 200; }, 5s, 100ms);
  EXPECT_TRUE(recovered);
}

// What Redis holds under a session key but the session layer did not write is the gateway's
// problem, not the caller's: 500, where a malformed session id stays a 400 and an unreachable
// store a 503.
TEST(GatewayFaults, ACorruptSessionIsAServerErrorNotTheCallers) {
  testing::RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gateway({"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1"});
  // No Authorization header: the "anonymous" tenant (README "key schema").
  const std::string pushed = testing::run_command("redis-cli -p " + std::to_string(redis.port()) +
                                                  " RPUSH 'session:{anonymous:broken}:log' 'not json' 2>&1");
  ASSERT_EQ(pushed, "1\n");
  std::string body;
  EXPECT_EQ(testing::http_request("GET", gateway.base_url() + "/v1/ragcache/sessions/broken", {}, {}, &body), 500)
      << body;
  EXPECT_NE(body.find("corrupt"), std::string::npos) << body;
  EXPECT_EQ(testing::http_request("GET", gateway.base_url() + "/v1/ragcache/sessions/" + std::string(300, 'x'), {}, {},
                                  &body),
            400)
      << body;
}

}  // namespace
}  // namespace ragcache
