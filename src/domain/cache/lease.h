// Lease renewal ("watchdog") for a lock held while work runs, on the one renewal loop
// (base/lease_renewer.h).
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

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/lease_renewer.h"
#include "domain/cache/lock_manager.h"

namespace ragcache::cache {

class Lease {
 public:
  using LostHandler = std::function<void(const Error&)>;

  // Starts renewing `grant` on the client's executor.
  static std::shared_ptr<Lease> start(LockManager& locks, LockGrant grant, LostHandler on_lost = {},
                                      std::vector<std::string> co_keys = {},
                                      std::chrono::milliseconds co_ttl = {});
  ~Lease();

  void stop();
  bool lost() const;
  // The grant with its latest validity (after the last successful renewal).
  LockGrant grant() const;

  struct State;

 private:
  explicit Lease(std::shared_ptr<State> state) : state_(std::move(state)) {}

  std::shared_ptr<State> state_;  // shared with the renewal loop
  std::shared_ptr<LeaseRenewer> renewer_;
};

}  // namespace ragcache::cache
