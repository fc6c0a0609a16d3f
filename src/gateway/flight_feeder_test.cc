// feed_into_flight with sources and sinks made for the case: a failed push must end the call with
// the push's error, however the upstream read it cancels happens to end.
#include "gateway/flight_feeder.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "domain/cache/errors.h"
#include "support/async_test.h"

namespace ragcache::gateway {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Push number `fail_at` (1-based) fails as a lost lease does; the others are kept.
class FailingSink final : public cache::ChunkSink {
 public:
  explicit FailingSink(int fail_at) : fail_at_(fail_at) {}
  asio::awaitable<Result<void>> push(std::string chunk) override {
    if (++pushes == fail_at_) co_return Error(cache::Errc::lock_lost, "lease lost (test)");
    received += chunk;
    co_return Result<void>();
  }
  void set_completion(cache::Completion) override {}
  std::string received;
  int pushes = 0;

 private:
  int fail_at_;
};

// Hands out a line, then waits `pause` with a plain use_awaitable timer before the next: a read
// cancelled during the pause ends with an exception (operation_aborted), not a Result.
AnswerSource paced_source(int lines, std::chrono::milliseconds pause, int* handed_out) {
  return [=](const LineSink& sink) -> asio::awaitable<Result<void>> {
    for (int i = 0; i < lines; ++i) {
      auto pushed = co_await sink("line " + std::to_string(i) + "\n");
      if (!pushed) co_return pushed;
      ++*handed_out;
      asio::steady_timer pause_timer(co_await asio::this_coro::executor, pause);
      co_await pause_timer.async_wait(asio::use_awaitable);
    }
    co_return Result<void>();
  };
}

TEST(FlightFeeder, EveryLineReachesTheSinkInOrder) {
  asio::io_context io;
  FailingSink sink(/*fail_at=*/0);
  int handed_out = 0;
  auto fed = testing::run_async(io, feed_into_flight(paced_source(5, 1ms, &handed_out), sink), 5s);
  ASSERT_TRUE(fed) << fed.error().message();
  EXPECT_EQ(sink.received, "line 0\nline 1\nline 2\nline 3\nline 4\n");
}

TEST(FlightFeeder, AFailedPushEndsTheCallWithItsErrorWhileTheReaderWaits) {
  asio::io_context io;
  FailingSink sink(/*fail_at=*/1);
  int handed_out = 0;
  // The push fails while the reader sleeps between lines; cancelling that sleep throws in the
  // reader too, which used to turn the push error into an escaping multiple_exceptions.
  auto fed = testing::run_async(io, feed_into_flight(paced_source(100, 50ms, &handed_out), sink), 5s);
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error().code, cache::Errc::lock_lost);
  EXPECT_EQ(sink.pushes, 1);  // nothing pushed after the failure
  EXPECT_EQ(handed_out, 1);   // and the upstream read stopped at once
}

}  // namespace
}  // namespace ragcache::gateway
