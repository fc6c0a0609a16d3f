#include "domain/session/group_commit.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/async_test.h"

namespace ragcache::session {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A stand-in for one Redis call: answers each request with twice its value, except negative
// requests, which fail alone; records the size of every batch. Takes a little time, as a round
// trip does, so requests pile up behind a batch in flight.
struct FakeRedis {
  std::vector<std::size_t> batches;
  std::size_t max_concurrent = 0;
  std::size_t concurrent = 0;

  bool throw_next = false;

  asio::awaitable<std::vector<Result<int>>> send(std::vector<int>& requests) {
    batches.push_back(requests.size());
    if (std::exchange(throw_next, false)) throw std::runtime_error("send failed");
    max_concurrent = std::max(max_concurrent, ++concurrent);
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(2ms);
    co_await t.async_wait(asio::use_awaitable);
    --concurrent;
    std::vector<Result<int>> out;
    for (int r : requests) {
      if (r < 0) {
        out.emplace_back(Error(Errc::invalid_message, "negative"));
      } else {
        out.emplace_back(2 * r);
      }
    }
    co_return out;
  }
};

using Queue = GroupCommit<int, int>;

std::shared_ptr<Queue> make_queue(asio::io_context& io, FakeRedis& fake, std::size_t max_batch, std::size_t in_flight) {
  Queue::Send send = [&fake](std::vector<int>& r) { return fake.send(r); };
  return std::make_shared<Queue>(io.get_executor(), std::move(send), max_batch, in_flight);
}

// Submits requests 0..n-1 (request `bad` as -1) all in the same turn of the loop.
std::vector<std::optional<Result<int>>> submit_all(asio::io_context& io, Queue& queue, int n, int bad) {
  std::vector<std::optional<Result<int>>> results(n);
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    int done = 0;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(io, [&, i]() -> asio::awaitable<void> {
        results[i] = co_await queue.submit(i == bad ? -1 : i);
        ++done;
      }, asio::detached);
    }
    asio::steady_timer t(io);
    while (done < n) {
      t.expires_after(1ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }(), 10s);
  return results;
}

TEST(GroupCommit, RequestsArrivingTogetherShareOneCallAndGetTheirOwnResults) {
  asio::io_context io;
  FakeRedis fake;
  auto queue = make_queue(io, fake, 64, 1);
  auto results = submit_all(io, *queue, 30, 7);
  EXPECT_EQ(fake.batches, std::vector<std::size_t>{30});
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(results[i].has_value());
    if (i == 7) {
      EXPECT_FALSE(*results[i]) << "the bad request fails alone";
    } else {
      ASSERT_TRUE(*results[i]) << i;
      EXPECT_EQ(**results[i], 2 * i);
    }
  }
}

TEST(GroupCommit, BatchSizeAndCallsInFlightAreBounded) {
  asio::io_context io;
  FakeRedis fake;
  auto queue = make_queue(io, fake, 8, 2);
  auto results = submit_all(io, *queue, 50, -1);
  std::size_t total = 0;
  for (auto b : fake.batches) {
    EXPECT_LE(b, 8u);
    total += b;
  }
  EXPECT_EQ(total, 50u);
  EXPECT_LE(fake.max_concurrent, 2u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(**results[i], 2 * i);
}

TEST(GroupCommit, ALoneCallerIsSentAtOnce) {
  asio::io_context io;
  FakeRedis fake;
  auto queue = make_queue(io, fake, 64, 2);
  for (int i = 0; i < 3; ++i) {
    auto r = testing::run_async(io, queue->submit(i), 5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 2 * i);
  }
  EXPECT_EQ(fake.batches, (std::vector<std::size_t>{1, 1, 1}));
}

TEST(GroupCommit, ASendThatThrowsFailsItsBatchAndTheQueueGoesOn) {
  asio::io_context io;
  FakeRedis fake;
  auto queue = make_queue(io, fake, 64, 1);
  fake.throw_next = true;
  auto failed = submit_all(io, *queue, 5, -1);
  for (auto& r : failed) EXPECT_FALSE(*r);
  auto ok = submit_all(io, *queue, 5, -1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(**ok[i], 2 * i);
}

TEST(GroupCommit, CallersOnOtherThreadsResumeOnTheirOwnExecutor) {
  asio::io_context io;  // the queue's (the Redis client's) executor
  FakeRedis fake;
  auto queue = make_queue(io, fake, 64, 2);
  auto guard = asio::make_work_guard(io);
  std::thread redis_thread([&] { io.run(); });
  asio::io_context caller;
  int ok = 0;
  for (int i = 0; i < 10; ++i) {
    asio::co_spawn(caller, [&, i]() -> asio::awaitable<void> {
      auto r = co_await queue->submit(i);
      // Resumed on the caller's own thread: touching `ok` needs no lock.
      if (r && *r == 2 * i) ++ok;
    }, asio::detached);
  }
  testing::run_until(caller, [&] { return ok == 10; }, 10s);
  guard.reset();
  io.stop();
  redis_thread.join();
  EXPECT_EQ(ok, 10);
}

}  // namespace
}  // namespace ragcache::session
