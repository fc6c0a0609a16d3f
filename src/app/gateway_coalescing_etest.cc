// Coalescing does not depend on Redis (issue #19): with the cache's Redis killed (unreachable)
// or frozen (SIGSTOP: every command times out, then the circuit breaker refuses at once), many
// identical requests on one `ragcache serve` still share one in-process generation: at most one
// model call per key per gateway, that request answered BYPASS and the others SHARED, all with
// the same answer.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <set>

#include "support/gateway_load.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache {
namespace {

using namespace std::chrono_literals;
using testing::RagcacheProcess;

std::int64_t chat_calls(const RagcacheProcess& mock) {
  std::string body;
  testing::http_request("GET", mock.base_url() + "/mock/stats", {}, {}, &body);
  return boost::json::parse(body).at("chat_calls").to_number<std::int64_t>();
}

enum class RedisFault { killed, frozen };

class GatewayCoalescingWithoutRedis : public ::testing::TestWithParam<RedisFault> {};

TEST_P(GatewayCoalescingWithoutRedis, IdenticalRequestsMakeOneModelCallPerKeyPerGateway) {
  testing::RedisServer redis;
  // The model answers slowly, so every request of a burst arrives while the first one generates.
  const auto model_latency = testing::scaled(1500ms);
  RagcacheProcess mock({"mock-llm", "--latency-ms", std::to_string(model_latency.count())});
  auto serve = [&] {
    return std::vector<std::string>{"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1",
                                    "--redis-timeout-ms", "250", "--redis-breaker-failures", "3",
                                    "--cache-l1-max-bytes", "0"};
  };
  constexpr int kGateways = 2;
  RagcacheProcess first(serve());
  RagcacheProcess second(serve());
  const std::vector<std::string> urls{first.base_url(), second.base_url()};
  if (GetParam() == RedisFault::killed) {
    redis.kill();
  } else {
    redis.pause();
  }

  // Two keys, one answered as JSON and one as a stream, each asked 100 times at once over both
  // gateways (50 per gateway per key).
  constexpr int kPerKey = 100;
  testing::LoadOptions load;
  load.gateway_urls = urls;
  load.workers = 2 * kPerKey;
  load.requests = 2 * kPerKey;
  load.request = [](int i) {
    const bool stream = (i / kGateways) % 2 == 1;  // round-robin over gateways: both get both keys
    return testing::LoadRequest{stream ? "coalesced while Redis is down (stream)" : "coalesced while Redis is down",
                                stream};
  };
  const auto results = testing::run_gateway_load(load);
  if (GetParam() == RedisFault::frozen) redis.resume();

  ASSERT_EQ(results.size(), static_cast<std::size_t>(2 * kPerKey));
  std::map<std::string, int> by_cache;
  std::map<bool, std::set<std::string>> answers;  // by stream
  for (int i = 0; i < static_cast<int>(results.size()); ++i) {
    const auto& r = results[static_cast<std::size_t>(i)];
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.error;
    ++by_cache[r.x_cache];
    answers[(i / kGateways) % 2 == 1].insert(r.answer);
  }
  const auto calls = chat_calls(mock);
  std::cout << results.size() << " requests, " << calls << " model calls; BYPASS " << by_cache["BYPASS"] << ", SHARED "
            << by_cache["SHARED"] << ", MISS " << by_cache["MISS"] << ", HIT " << by_cache["HIT"] << "\n";
  // At most one call per key per gateway; and each gateway must have made its own (Redis could
  // not tell it about the other's).
  EXPECT_EQ(calls, 2 * kGateways);
  EXPECT_EQ(by_cache["BYPASS"], calls) << "only the request that generated reports BYPASS";
  EXPECT_EQ(by_cache["SHARED"], 2 * kPerKey - calls);
  for (const auto& [stream, texts] : answers) {
    EXPECT_EQ(texts.size(), 1u) << (stream ? "stream" : "json") << " callers got different answers";
    EXPECT_FALSE(texts.begin()->empty());
  }
}

INSTANTIATE_TEST_SUITE_P(, GatewayCoalescingWithoutRedis, ::testing::Values(RedisFault::killed, RedisFault::frozen),
                         [](const auto& info) { return info.param == RedisFault::killed ? "killed" : "frozen"; });

}  // namespace
}  // namespace ragcache
