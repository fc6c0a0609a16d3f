#include "domain/cache/async_event.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "support/async_test.h"

namespace ragcache::cache {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Wake = AsyncEvent::Wake;

TEST(AsyncEvent, NotificationBeforeTheWaitIsNotLost) {
  asio::io_context io;
  AsyncEvent ev;
  auto seen = ev.generation();
  ev.notify_all();
  auto wake = testing::run_async(io, ev.wait(seen, std::chrono::steady_clock::now() + 10s), 5s);
  EXPECT_EQ(wake, Wake::notified);
}

TEST(AsyncEvent, DeadlineWithoutNotification) {
  asio::io_context io;
  AsyncEvent ev;
  auto wake = testing::run_async(io, ev.wait(ev.generation(), std::chrono::steady_clock::now() + 20ms), 5s);
  EXPECT_EQ(wake, Wake::deadline);
}

TEST(AsyncEvent, NotifyFromAnotherThreadWakesEveryWaiter) {
  asio::io_context io;
  AsyncEvent ev;
  int notified = 0;
  auto seen = ev.generation();
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      if (co_await ev.wait(seen, std::chrono::steady_clock::now() + 10s) == Wake::notified) ++notified;
    }, asio::detached);
  }
  std::thread notifier([&] {
    std::this_thread::sleep_for(20ms);
    ev.notify_all();
  });
  ASSERT_TRUE(testing::run_until(io, [&] { return notified == 5; }, 5s));
  notifier.join();
}

TEST(AsyncEvent, CancellingOneWaiterLeavesTheOthers) {
  asio::io_context io;
  AsyncEvent ev;
  std::optional<Wake> cancelled, kept;
  asio::cancellation_signal signal;
  auto seen = ev.generation();
  auto far = std::chrono::steady_clock::now() + 10s;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { cancelled = co_await ev.wait(seen, far); },
                 asio::bind_cancellation_slot(signal.slot(), asio::detached));
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { kept = co_await ev.wait(seen, far); }, asio::detached);
  io.poll();
  signal.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(testing::run_until(io, [&] { return cancelled.has_value(); }, 5s));
  EXPECT_EQ(*cancelled, Wake::cancelled);
  EXPECT_FALSE(kept.has_value());
  ev.notify_all();
  ASSERT_TRUE(testing::run_until(io, [&] { return kept.has_value(); }, 5s));
  EXPECT_EQ(*kept, Wake::notified);
}

}  // namespace
}  // namespace ragcache::cache
