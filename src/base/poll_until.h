// Waiting for a state another coroutine reaches, from inside a coroutine: checks `done` every
// `step` on the current executor until it holds or `grace` has passed. For shutdown paths (a
// loop that must see its connection closed before the io_context stops), not for hot paths.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace ragcache {

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

}  // namespace ragcache
