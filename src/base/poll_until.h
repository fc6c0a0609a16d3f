// Shutdown helpers for loops that block on Redis: a loop suspended on its connection when the
// io_context stops keeps that connection (and all the loop holds) alive for good, so its owner
// closes the connection and waits, from a coroutine, until the loop has ended.
//   ScopedCount: held by the loop from its first line to its last, whichever way it ends;
//   poll_until:  checks `done` every `step` on the current executor until it holds or `grace`
//                has passed. Not for hot paths.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>

namespace ragcache {

class ScopedCount {
 public:
  explicit ScopedCount(std::atomic<std::size_t>& count) : count_(count) { count_.fetch_add(1); }
  ~ScopedCount() { count_.fetch_sub(1); }
  ScopedCount(const ScopedCount&) = delete;
  ScopedCount& operator=(const ScopedCount&) = delete;

 private:
  std::atomic<std::size_t>& count_;
};

// GCC 12 warns that the coroutine frame of an instantiation with a lambda from an anonymous
// namespace "has a field whose type has no linkage" (-Wsubobject-linkage); the frame is local
// to that translation unit like the lambda itself, so the warning is wrong here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"

// True if `done()` held before the grace period ended.
template <class Done>
boost::asio::awaitable<bool> poll_until(Done done, std::chrono::milliseconds grace,
                                        std::chrono::milliseconds step = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    pause.expires_after(step);
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

#pragma GCC diagnostic pop

}  // namespace ragcache
