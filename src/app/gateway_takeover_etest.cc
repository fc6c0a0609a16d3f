// A gateway killed mid-generation (issue #19): its request's followers on another gateway get
// one answer from a new leader that starts within 3 s of the death (the single flight's lease is
// 2 s, renewed every 2/3 s; followers re-check every 0.5 s), with 2 model calls in all.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "support/gateway_load.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache {
namespace {

using namespace std::chrono_literals;
using testing::RagcacheProcess;
using Clock = std::chrono::steady_clock;

std::int64_t chat_calls(const RagcacheProcess& mock) {
  std::string body;
  if (testing::http_request("GET", mock.base_url() + "/mock/stats", {}, {}, &body) != 200) return -1;
  return boost::json::parse(body).at("chat_calls").to_number<std::int64_t>();
}

// Polls the mock until it has seen `calls` chat calls (false after scaled(budget)).
bool wait_calls(const RagcacheProcess& mock, std::int64_t calls, std::chrono::milliseconds budget) {
  return testing::wait_until([&] { return chat_calls(mock) >= calls; }, budget, 10ms);
}

TEST(GatewayTakeover, LeadingGatewayKilledMidGenerationANewLeaderStartsWithinThreeSeconds) {
  testing::RedisServer redis;
  RagcacheProcess mock({"mock-llm", "--latency-ms", "2000"});  // the issue's 2 s upstream
  auto serve = [&] {
    return std::vector<std::string>{"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1"};
  };
  RagcacheProcess leader_gateway(serve());
  RagcacheProcess follower_gateway(serve());
  const std::string chat = R"({"model":"mock-gpt","messages":[{"role":"user","content":"who takes over?"}]})";

  // The leader: one request on the first gateway, cut off when that gateway dies.
  std::thread leading([&] {
    testing::http_request("POST", leader_gateway.base_url() + "/v1/chat/completions", chat);
  });
  ASSERT_TRUE(wait_calls(mock, 1, 5s)) << "the first gateway never called the model";

  // 20 followers on the other gateway, sent while the leader generates.
  constexpr int kFollowers = 20;
  std::vector<testing::LoadResult> followers;
  std::thread following([&] {
    testing::LoadOptions load;
    load.gateway_urls = {follower_gateway.base_url()};
    load.workers = kFollowers;
    load.requests = kFollowers;
    load.request = [](int) { return testing::LoadRequest{"who takes over?", false}; };
    followers = testing::run_gateway_load(load);
  });
  std::this_thread::sleep_for(testing::scaled(300ms));  // the followers read the leader's flight
  const auto killed_at = Clock::now();
  leader_gateway.process().stop(SIGKILL);
  const bool took_over = wait_calls(mock, 2, 10s);
  const auto takeover_at = Clock::now();
  following.join();
  leading.join();

  ASSERT_TRUE(took_over) << "no new leader called the model";
  const auto takeover_ms = std::chrono::duration_cast<std::chrono::milliseconds>(takeover_at - killed_at).count();
  const auto done_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at).count();
  std::cout << "new leader's model call " << takeover_ms << " ms after the kill; followers done " << done_ms
            << " ms after it\n";
  RecordProperty("takeover_ms", static_cast<int>(takeover_ms));
  // 3 s on a quiet machine (the lease + 1 s); a slower one gets its time scale on the slack.
  EXPECT_LE(std::chrono::milliseconds(takeover_ms), 2000ms + testing::scaled(1000ms));
  ASSERT_EQ(followers.size(), static_cast<std::size_t>(kFollowers));
  std::set<std::string> answers;
  for (const auto& r : followers) {
    EXPECT_EQ(r.status, 200) << r.error;
    answers.insert(r.answer);
  }
  EXPECT_EQ(answers.size(), 1u) << "followers got different answers";
  EXPECT_EQ(chat_calls(mock), 2) << "the dead leader's call and exactly one takeover";
}

}  // namespace
}  // namespace ragcache
