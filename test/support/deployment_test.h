// Shared set-up of integration and cluster tests written once for both (x_suite.h): the Redis
// deployment of the test's parameter (redis_deployment.h: one redis-server in *_itest.cc, a
// 6-node cluster in *_ctest.cc), a fresh key prefix per test, a client on the test's io_context,
// and a helper that runs many coroutines concurrently under a deadline. Deadlines and the
// clients' timeouts are scaled to the machine (time_scale.h). Header-only: the tests that use it
// link the redis client themselves.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "redis/client.h"
#include "support/async_test.h"
#include "support/redis_deployment.h"
#include "support/scaled_client_options.h"

namespace ragcache::testing {

class DeploymentTest : public ::testing::TestWithParam<Deployment> {
 protected:
  void SetUp() override {
    redis_ = &shared_deployment(GetParam());
    prefix_ = untagged_key_prefix();
    client_ = make_client();
    wait_connected(*client_);
  }

  // Before a burst of coroutines started at once (run_concurrently): they hold this one thread
  // while they start, and a handshake still under way would see its connect timeout run out.
  void wait_connected(redis::Client& client) {
    const bool connected =
        ragcache::testing::run_until(io_, [&] { return client.connected(); }, std::chrono::seconds(10));
    ASSERT_TRUE(connected) << "no connection to " << redis_->url();
  }

  std::unique_ptr<redis::Client> make_client(const std::string& url = {}) {
    redis::ClientOptions options;
    options.url = url.empty() ? redis_->url() : url;
    options.pool_size = 2;
    options.connection.connect_timeout = std::chrono::milliseconds(500);
    // Tests send bursts of thousands of scripts at once through two connections: the last one
    // queued waits for all before it, so its budget grows with the burst (1 s, the product's
    // default, is for one request's few commands). None of these tests is about the timeout.
    options.connection.command_timeout = std::chrono::seconds(10);
    auto c = redis::Client::create(io_.get_executor(), ragcache::testing::with_scaled_timeouts(options));
    EXPECT_TRUE(c.has_value());
    return std::move(*c);
  }

  template <class T>
  T run(boost::asio::awaitable<T> coro) {
    return run_async(io_, std::move(coro), std::chrono::seconds(20));
  }

  // Spawns n coroutines made by make(i) at once and runs them all to completion (or fails).
  void run_concurrently(int n, const std::function<boost::asio::awaitable<void>(int)>& make) {
    int done = 0;
    std::exception_ptr first_error;
    for (int i = 0; i < n; ++i) {
      boost::asio::co_spawn(io_, make(i), [&](std::exception_ptr e) {
        if (e && !first_error) first_error = e;
        ++done;
      });
    }
    ASSERT_TRUE(run_until(io_, [&] { return done == n; }, std::chrono::seconds(30)))
        << "concurrent tasks did not finish";
    if (first_error) std::rethrow_exception(first_error);
  }

  // A command where its key (argv[1]) lives, for set-up and assertions.
  std::string redis_cmd(const std::vector<std::string>& argv) { return redis_->command(argv); }

  RedisDeployment* redis_ = nullptr;
  boost::asio::io_context io_;
  std::string prefix_;
  std::unique_ptr<redis::Client> client_;
};

}  // namespace ragcache::testing
