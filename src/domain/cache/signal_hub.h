// Waiting for "something new on this stream" without polling, shared by every waiter of a process.
//
// Lock waiters block until the holder's release appends to the lock's signal stream. However many
// coroutines of this process wait on one stream, only ONE blocking XREAD per stream is in flight
// (on a dedicated connection, redis/stream_tail.h); its result is fanned out in-process through
// an AsyncEvent. The XREAD blocks for at most `slice`, after which it re-arms, so a reader ends
// soon after its last waiter left. Waiters may be woken spuriously (they re-check their
// condition); they are never woken late by more than the next entry.
//
// Thread-safe. Lifetime: the hub must outlive its wait() calls; the destructor closes the
// connections of running readers so they end promptly.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "redis/blocking_pool.h"
#include "domain/cache/lock_value.h"

namespace ragcache::cache {

class SignalHub {
 public:
  SignalHub(std::shared_ptr<redis::BlockingPool> pool, std::chrono::milliseconds slice);
  ~SignalHub();
  SignalHub(const SignalHub&) = delete;
  SignalHub& operator=(const SignalHub&) = delete;

  // True when an entry newer than `after` exists (or may exist) on stream_key; false when the
  // deadline passed first or the caller was cancelled.
  boost::asio::awaitable<bool> wait(const std::string& stream_key, StreamId after,
                                    SteadyClock::time_point deadline);

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace ragcache::cache
