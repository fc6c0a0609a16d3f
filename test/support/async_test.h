// Runs a coroutine to completion under a hard deadline, for tests.
//
// run_async(coro, 10s) spawns the awaitable on a fresh io_context, runs it on the calling
// thread, and fails the test (and stops the context) if it has not finished when the deadline
// passes: an async test can fail, but it can never hang.
//
// Every deadline here is a budget and is stretched by time_scale() (support/time_scale.h): pass
// the time the wait takes on a quiet machine.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>

#include "base/poll_until.h"
#include "support/time_scale.h"

namespace ragcache::testing {

// Runs ctx until done() or scaled(deadline); returns false on timeout.
bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done, std::chrono::milliseconds deadline);

// Runs ctx for `duration` exactly as given (not scaled): for letting time pass while the loop
// works, e.g. a lease keeper renewing a lease. Scale it together with the durations it spans.
void run_for(boost::asio::io_context& ctx, std::chrono::milliseconds duration);

// The pragma: see poll_until.h (GCC 12's wrong -Wsubobject-linkage on coroutine frames).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
// Inside a coroutine: true once done() holds, false if scaled(budget) passed first (checks every
// `step` on the current executor).
template <class Done>
boost::asio::awaitable<bool> eventually(Done done, std::chrono::milliseconds budget,
                                        std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
  co_return co_await poll_until(std::move(done), scaled(budget), step);
}
#pragma GCC diagnostic pop

template <class T>
T run_async(boost::asio::io_context& ctx, boost::asio::awaitable<T> coro,
            std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  std::optional<T> result;
  std::exception_ptr error;
  bool finished = false;
  boost::asio::co_spawn(ctx, std::move(coro), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
    finished = true;
  });
  if (!run_until(ctx, [&] { return finished; }, deadline)) {
    throw std::runtime_error("async test exceeded its deadline");
  }
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

inline void run_async(boost::asio::io_context& ctx, boost::asio::awaitable<void> coro,
                      std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  std::exception_ptr error;
  bool finished = false;
  boost::asio::co_spawn(ctx, std::move(coro), [&](std::exception_ptr e) {
    error = e;
    finished = true;
  });
  if (!run_until(ctx, [&] { return finished; }, deadline)) {
    throw std::runtime_error("async test exceeded its deadline");
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace ragcache::testing
