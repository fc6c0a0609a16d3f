// The Client's circuit breaker against a real redis-server that is SIGSTOP'd: after a few
// timeouts commands are refused at once (Errc::circuit_open, nothing sent), and once the server
// is resumed a probe closes the circuit by itself.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <vector>

#include "redis/client.h"
#include "redis/errors.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/scaled_client_options.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Transition = std::pair<CircuitState, CircuitState>;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

class CircuitBreakerClientTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<testing::RedisServer>(); }
  void TearDown() override {
    if (server_) server_->resume();  // never leave a stopped process behind
  }

  std::unique_ptr<Client> make_client(std::size_t threshold) {
    ClientOptions options;
    options.url = server_->url();
    options.connection.command_timeout = 200ms;
    options.connection.connect_timeout = 200ms;
    options.connection.reconnect_max = 100ms;
    options.circuit_breaker.failure_threshold = threshold;
    options.circuit_breaker.open_duration = testing::scaled(300ms);  // on the scale of the timeouts
    options.circuit_breaker.on_state_change = [this](CircuitState from, CircuitState to) {
      std::lock_guard lock(mutex_);
      transitions_.emplace_back(from, to);
    };
    auto client = Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  std::vector<Transition> transitions() {
    std::lock_guard lock(mutex_);
    return transitions_;
  }

  std::unique_ptr<testing::RedisServer> server_;
  asio::io_context io_;
  std::mutex mutex_;
  std::vector<Transition> transitions_;
};

TEST_F(CircuitBreakerClientTest, StoppedServerOpensTheCircuitAndResumedOneClosesIt) {
  auto client = make_client(3);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await client->exec(Command("SET", "cb:k", "v"))).has_value());
    server_->pause();
    // The first commands wait for their timeout (the server is stuck, not gone) ...
    int timed_out = 0;
    for (int i = 0; i < 3; ++i) {
      auto r = co_await client->exec(Command("GET", "cb:k"));
      EXPECT_FALSE(r.has_value());
      if (!r && CircuitBreaker::counts_as_failure(r.error())) ++timed_out;
    }
    EXPECT_EQ(timed_out, 3);
    EXPECT_EQ(client->circuit_breaker()->state(), CircuitState::open);
    // ... then every command, plain or pipelined, is refused without being sent.
    for (int i = 0; i < 50; ++i) {
      auto r = co_await client->exec(Command("GET", "cb:k"));
      EXPECT_FALSE(r.has_value());
      if (!r) {
        EXPECT_EQ(r.error().code, Errc::circuit_open) << r.error().message();
      }
    }
    std::vector<Command> cmds;
    cmds.emplace_back("GET", "cb:k");
    auto piped = co_await client->exec_pipeline(std::move(cmds));
    EXPECT_FALSE(piped.has_value());
    if (!piped) {
      EXPECT_EQ(piped.error().code, Errc::circuit_open);
    }
    EXPECT_GE(client->circuit_breaker()->refused_count(), 51u);

    // Resumed: within a few cool-downs a probe gets through and the circuit closes by itself.
    server_->resume();
    bool answered = false;
    for (int i = 0; i < 200 && !answered; ++i) {
      auto r = co_await client->exec(Command("GET", "cb:k"));
      answered = r.has_value() && r->str == "v";
      if (!answered) co_await sleep_for(50ms);
    }
    EXPECT_TRUE(answered) << "the client did not recover after SIGCONT";
    EXPECT_EQ(client->circuit_breaker()->state(), CircuitState::closed);
  }(), 30s);
  const auto seen = transitions();
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front(), Transition(CircuitState::closed, CircuitState::open));
  EXPECT_EQ(seen.back(), Transition(CircuitState::half_open, CircuitState::closed));
}

TEST_F(CircuitBreakerClientTest, ErrorRepliesNeverOpenIt) {
  auto client = make_client(2);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE((co_await client->exec(Command("SET", "cb:str", "v"))).has_value());
    for (int i = 0; i < 10; ++i) {
      auto r = co_await client->exec(Command("LPUSH", "cb:str", "x"));  // WRONGTYPE
      EXPECT_FALSE(r.has_value());
      if (!r) {
        EXPECT_EQ(r.error().code, Errc::server_error);
      }
    }
    EXPECT_EQ(client->circuit_breaker()->state(), CircuitState::closed);
  }(), 20s);
  EXPECT_TRUE(transitions().empty());
}

TEST_F(CircuitBreakerClientTest, OffByDefault) {
  ClientOptions options;
  options.url = server_->url();
  auto client = Client::create(io_.get_executor(), options);
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ((*client)->circuit_breaker(), nullptr);
}

}  // namespace
}  // namespace ragcache::redis
