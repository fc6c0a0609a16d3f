// A notification that coroutines on any executor can wait for with a deadline: the in-process
// fan-out behind single-flight followers and lock waiters (one Redis read wakes many callers).
//
//   auto seen = event.generation();          // 1. remember the generation
//   if (!ready()) co_await event.wait(seen, deadline);  // 2. check, then wait for a change
//
// Because wait() returns at once when notify_all() ran after generation() was read, a
// notification between the check and the wait is never lost. notify_all() is thread-safe. Each
// waiter's timer lives on the waiter's own executor, which must be a strand or a single-threaded
// io_context (as usual for coroutines). The event must outlive its waiters.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>

namespace ragcache::cache {

class AsyncEvent {
 public:
  enum class Wake { notified, deadline, cancelled };

  std::uint64_t generation() const;
  // Returns notified as soon as the generation differs from `seen`, deadline when the time point
  // passes first, cancelled when the awaiting coroutine is cancelled (e.g. by its caller's
  // cancellation slot). Cancelling a waiter affects no one else.
  boost::asio::awaitable<Wake> wait(std::uint64_t seen, std::chrono::steady_clock::time_point deadline);
  void notify_all();

 private:
  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::list<std::shared_ptr<boost::asio::steady_timer>> waiters_;
};

}  // namespace ragcache::cache
