// Lease renewal ("watchdog") for a lock held while work runs.
//
// Every ttl/3 the lease extends the lock with the compare-and-pexpire script. When the lock turns
// out to be someone else's (Errc::not_owner), or Redis stays unreachable until the grant's local
// validity (steady_clock) runs out, the lease is lost: lost() turns true and on_lost runs once,
// so the holder can cancel its work or at least stop trusting the lock. stop() ends renewal
// (call it before release). Keys that live as long as the lock (a flight stream) can be renewed
// with it in the same script.
//
// Thread-safe. The LockManager must outlive the lease's renewal loop (it ends within one tick of
// stop()).
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/cache/lock_manager.h"

namespace ragcache::cache {

class Lease : public std::enable_shared_from_this<Lease> {
 public:
  using LostHandler = std::function<void(const Error&)>;

  // Starts renewing `grant` on the client's executor.
  static std::shared_ptr<Lease> start(LockManager& locks, LockGrant grant, LostHandler on_lost = {},
                                      std::vector<std::string> co_keys = {},
                                      std::chrono::milliseconds co_ttl = {});
  ~Lease();

  void stop();
  bool lost() const { return lost_.load(); }
  // The grant with its latest validity (after the last successful renewal).
  LockGrant grant() const;

 private:
  Lease(LockManager& locks, LockGrant grant, LostHandler on_lost, std::vector<std::string> co_keys,
        std::chrono::milliseconds co_ttl);
  boost::asio::awaitable<void> run();
  void mark_lost(const Error& e);

  LockManager& locks_;
  mutable std::mutex mu_;
  LockGrant grant_;
  LostHandler on_lost_;
  std::vector<std::string> co_keys_;
  std::chrono::milliseconds co_ttl_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> lost_{false};
};

}  // namespace ragcache::cache
