// One topology refresh at a time, shared by the cluster router (CLUSTER SLOTS) and the Sentinel
// router (SENTINEL GET-MASTER-ADDR-BY-NAME).
//
// The first caller that finds no refresh running does it (enter() == true, then leave()); the
// callers that arrive meanwhile wait until it ends (polling every 2 ms, at most ~2 s) instead of
// asking the servers again. due() spaces out the refreshes that errors ask for (a burst of MOVED
// costs one CLUSTER SLOTS). every() runs a refresh periodically until its router is gone.
// Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "base/sleep.h"

namespace ragcache::redis {

class RefreshGate {
 public:
  using Clock = std::chrono::steady_clock;

  // True: the caller refreshes now and must call leave(). False: another caller's refresh ran
  // meanwhile (it has ended, or ~2 s passed).
  boost::asio::awaitable<bool> enter() {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mu_);
      seen = generation_;
      if (!running_) {
        running_ = true;
        co_return true;
      }
    }
    for (int i = 0; i < 1000; ++i) {
      co_await sleep_for(std::chrono::milliseconds(2));
      std::lock_guard lock(mu_);
      if (generation_ != seen || !running_) break;
    }
    co_return false;
  }

  void leave() {
    std::lock_guard lock(mu_);
    running_ = false;
    ++generation_;
    last_ = Clock::now();
  }

  // False while a refresh runs or the last one ended less than min_gap ago.
  bool due(std::chrono::milliseconds min_gap) const {
    std::lock_guard lock(mu_);
    return !running_ && Clock::now() - last_ >= min_gap;
  }

 private:
  mutable std::mutex mu_;
  bool running_ = false;
  std::uint64_t generation_ = 0;  // completed refreshes
  Clock::time_point last_{};
};

// Calls `refresh(router)` every `interval` until the router is destroyed or no longer open.
template <class Router, class Refresh>
boost::asio::awaitable<void> refresh_every(std::weak_ptr<Router> weak, std::chrono::milliseconds interval,
                                           Refresh refresh) {
  for (;;) {
    co_await sleep_for(interval);
    auto router = weak.lock();
    if (!router || !router->is_open()) co_return;
    co_await refresh(*router);
  }
}

}  // namespace ragcache::redis
