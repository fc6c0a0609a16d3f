// Shared fixture of the domain/cache integration and cluster tests: the Redis deployment of the
// test's parameter (support/redis_deployment.h: one redis-server in *_itest.cc, a 6-node cluster
// in *_ctest.cc), a fresh key prefix per test, clients on the test's io_context (their timeouts
// scaled to the machine, support/time_scale.h), and small async helpers.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <string>

#include "base/random.h"
#include "redis/client.h"
#include "support/async_test.h"
#include "support/redis_deployment.h"
#include "support/scaled_client_options.h"

namespace ragcache::cache::itest {

namespace asio = boost::asio;

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

class CacheServerTest : public ::testing::TestWithParam<testing::Deployment> {
 protected:
  void SetUp() override {
    redis_ = &testing::shared_deployment(GetParam());
    // Our keys carry their own hash tags ({h}), so the prefix must not hold one.
    prefix_ = std::string("t").append(random_token().substr(0, 10)).append(":");
  }

  // Objects of the test body are gone by now; running the context a moment lets their
  // connections' close() and the loops they end (readers, listeners, leases) finish, so
  // nothing is left suspended (and reported as leaked) when the io_context goes away.
  void TearDown() override {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(300));
  }

  std::unique_ptr<redis::Client> make_client(std::size_t pool_size = 2) {
    redis::ClientOptions options;
    options.url = redis_->url();
    options.pool_size = pool_size;
    auto client = redis::Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  // A command where its key (argv[1]) lives, for set-up and assertions.
  std::string command(const std::vector<std::string>& argv) const { return redis_->command(argv); }

  testing::RedisDeployment* redis_ = nullptr;
  asio::io_context io_;
  std::string prefix_;
};

}  // namespace ragcache::cache::itest
