// `ragcache serve` scaled out on a local Redis Cluster (3 primaries + 3 replicas): three gateway
// processes share the cluster, and 5,000 concurrent identical requests spread over them cost
// exactly one upstream call (single-flight across replicas, streams included).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>

#include "support/gateway_load.h"
#include "support/ragcache_process.h"
#include "support/redis_cluster.h"

namespace ragcache {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::RagcacheProcess;

std::int64_t chat_calls(const RagcacheProcess& mock) {
  std::string body;
  testing::http_request("GET", mock.base_url() + "/mock/stats", {}, {}, &body);
  return json::parse(body).at("chat_calls").to_number<std::int64_t>();
}

TEST(GatewayOnCluster, ThreeGatewaysFiveThousandConcurrentIdenticalRequestsOneUpstreamCall) {
  testing::RedisCluster cluster;
  // The one generation takes a while, so most requests arrive while it is in flight.
  RagcacheProcess mock({"mock-llm", "--latency-ms", "1500"});
  std::vector<std::unique_ptr<RagcacheProcess>> gateways;
  std::vector<std::string> urls;
  for (int g = 0; g < 3; ++g) {
    gateways.push_back(std::make_unique<RagcacheProcess>(std::vector<std::string>{
        "serve", "--redis", cluster.url(), "--upstream", mock.base_url() + "/v1", "--io-threads", "1"}));
    urls.push_back(gateways.back()->base_url());
  }
  testing::LoadOptions load;
  load.gateway_urls = urls;
  load.workers = 5000;
  load.requests = 5000;
  load.request = [](int i) { return testing::LoadRequest{"the one hot question on the cluster", i % 4 == 3}; };
  load.deadline = 90s;
  const auto results = testing::run_gateway_load(load);
  ASSERT_EQ(results.size(), 5000u);
  std::map<std::string, int> by_cache;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.error;
    ASSERT_FALSE(r.answer.empty()) << "request " << i;
    ASSERT_EQ(r.answer, results[0].answer) << "request " << i << " got another answer";
    ++by_cache[r.x_cache];
  }
  EXPECT_EQ(chat_calls(mock), 1);
  // One request led; everyone else shared its generation or hit the stored answer.
  EXPECT_EQ(by_cache["MISS"], 1);
  EXPECT_EQ(by_cache["SHARED"] + by_cache["HIT"], 4999);
  EXPECT_EQ(by_cache["BYPASS"], 0);
  std::cout << "x-cache: MISS " << by_cache["MISS"] << ", SHARED " << by_cache["SHARED"] << ", HIT " << by_cache["HIT"]
            << "\n";
}

}  // namespace
}  // namespace ragcache
