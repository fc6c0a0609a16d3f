// Sentinel mode of Client against a real primary + replica + 3 sentinels: the client finds the
// primary through the sentinels and follows a failover (primary killed, or SENTINEL FAILOVER
// demoting it to a replica), with errors stopping shortly after the failover.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <thread>

#include "redis/client.h"
#include "redis/errors.h"
#include "support/async_test.h"
#include "support/redis_sentinel.h"
#include "support/scaled_client_options.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::RedisSentinelSet;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::unique_ptr<Client> make_client(asio::io_context& io, const RedisSentinelSet& set) {
  ClientOptions options;
  options.url = set.url();
  options.connection.command_timeout = 1500ms;
  options.connection.connect_timeout = 500ms;
  options.connection.reconnect_max = 200ms;
  auto client = Client::create(io.get_executor(), testing::with_scaled_timeouts(options));
  EXPECT_TRUE(client.has_value()) << client.error().message();
  return std::move(*client);
}

struct LoadLog {
  std::mutex mutex;
  std::int64_t acknowledged = 0;
  std::vector<std::pair<Clock::time_point, std::string>> errors;
};

asio::awaitable<void> incr_worker(Client& client, std::string key, std::atomic<bool>& stop, LoadLog& log) {
  while (!stop.load()) {
    auto reply = co_await client.exec(Command("INCR", key));
    std::lock_guard lock(log.mutex);
    if (reply) {
      ++log.acknowledged;
    } else {
      log.errors.emplace_back(Clock::now(), reply.error().message());
    }
  }
}

// Runs INCR load, lets `disrupt` cause a failover on another thread, and checks that errors stop
// within down-after + 2 s (scaled) of the failover being complete and that the new primary takes
// writes.
void check_failover(RedisSentinelSet& set, const std::function<void()>& disrupt) {
  asio::io_context io;
  auto client = make_client(io, set);
  std::atomic<bool> stop{false};
  LoadLog log;
  std::atomic<bool> done{false};
  Clock::time_point failover_seen{};
  std::string harness_error;
  const int old_primary = set.primary_index();
  std::thread disruptor([&] {
    try {
      std::this_thread::sleep_for(500ms);
      disrupt();
      const auto deadline = Clock::now() + testing::scaled(30s);
      while (set.primary_index() == old_primary && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
      set.wait_stable(30s);
      failover_seen = Clock::now();
    } catch (const std::exception& e) {
      harness_error = e.what();
    }
    done = true;
  });
  const std::string key = "sentinel:counter";
  // A subscriber made before the failover must hear messages published after it.
  std::atomic<int> heard{0};
  auto subscriber = client->subscriber([&](const PubSubMessage& m) {
    if (m.payload == "after-failover") ++heard;
  });
  subscriber->subscribe("events");
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int w = 0; w < 6; ++w) asio::co_spawn(ex, incr_worker(*client, key, stop, log), asio::detached);
    while (!done.load()) co_await sleep_for(20ms);
    // Longer than the errors are allowed to go on (below), on the same scale.
    co_await sleep_for(testing::scaled(std::chrono::milliseconds(set.down_after_ms() + 2500)));
    stop = true;
    co_await sleep_for(300ms);
    const auto give_up = Clock::now() + testing::scaled(5s);
    while (heard.load() == 0 && Clock::now() < give_up) {
      co_await client->exec(Command("PUBLISH", "events", "after-failover"));
      co_await sleep_for(50ms);
    }
  }(), 90s);
  subscriber->close();
  EXPECT_GT(heard.load(), 0) << "the subscriber did not follow the failover";
  disruptor.join();
  ASSERT_TRUE(harness_error.empty()) << harness_error;
  const int new_primary = set.primary_index();
  ASSERT_NE(new_primary, old_primary);
  const auto allowed = testing::scaled(std::chrono::milliseconds(set.down_after_ms()) + 2s);
  std::size_t late = 0;
  std::string late_text;
  for (const auto& [when, text] : log.errors) {
    if (when > failover_seen + allowed) {
      ++late;
      if (late_text.empty()) late_text = text;
    }
  }
  EXPECT_EQ(late, 0u) << "errors went on after the failover: " << late_text;
  EXPECT_GT(log.acknowledged, 50);
  // Writes after the failover landed on the new primary: its counter is at least what the client
  // had acknowledged since (INCRs lost in flight with the old primary may be missing).
  const std::string value = set.node(static_cast<std::size_t>(new_primary)).command({"GET", key});
  EXPECT_GT(std::stoll(value == "(nil)" ? "0" : value), 0);
  EXPECT_EQ(client->router() != nullptr, true);
  EXPECT_EQ(client->router()->endpoint_for(std::nullopt).port, set.node(static_cast<std::size_t>(new_primary)).port());
  std::cout << "sentinel failover: " << log.errors.size() << " errors during the switch\n";
}

TEST(RedisSentinelClient, FindsThePrimaryThroughTheSentinels) {
  RedisSentinelSet set;
  asio::io_context io;
  auto client = make_client(io, set);
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto set_reply = co_await client->exec(Command("SET", "where", "primary"));
    EXPECT_TRUE(set_reply.has_value()) << set_reply.error().message();
    std::vector<Command> cmds;
    cmds.push_back(Command("INCR", "n"));
    cmds.push_back(Command("GET", "where"));
    auto replies = co_await client->exec_pipeline(std::move(cmds));
    EXPECT_TRUE(replies.has_value());
    if (replies) {
      EXPECT_EQ((*replies)[1].str, "primary");
    }
  }(), 30s);
  EXPECT_EQ(set.node(0).command({"GET", "where"}), "primary");
}

TEST(RedisSentinelClient, BadMasterNameIsAClearError) {
  RedisSentinelSet set;
  asio::io_context io;
  ClientOptions options;
  options.url = set.url() + "-unknown";
  options.connection.command_timeout = 500ms;
  auto client = Client::create(io.get_executor(), testing::with_scaled_timeouts(options));
  ASSERT_TRUE(client.has_value());
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto reply = co_await (*client)->exec(Command("PING"));
    EXPECT_FALSE(reply.has_value());
    if (!reply) {
      EXPECT_NE(reply.error().message().find("mymaster-unknown"), std::string::npos) << reply.error().message();
    }
  }(), 30s);
}

TEST(RedisSentinelClient, FollowsFailoverWhenThePrimaryIsKilled) {
  RedisSentinelSet set;
  check_failover(set, [&] { set.node(static_cast<std::size_t>(set.primary_index())).kill(); });
}

TEST(RedisSentinelClient, FollowsSentinelFailoverCommand) {
  RedisSentinelSet set;
  check_failover(set, [&] { set.sentinel_command(0, {"SENTINEL", "FAILOVER", set.master_name()}); });
}

}  // namespace
}  // namespace ragcache::redis
