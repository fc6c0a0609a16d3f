// Distributed locks on one Redis server (a role's client: state for general locks, cache for the
// single-flight lock of an answer), safe against the usual ways such locks go wrong:
//
// - Acquire is SET NX PX of "<random owner token>:<fencing number>" inside one script that also
//   draws a number from a fencing counter shared with other locks (one per server, one per hash
//   slot on a cluster: keys.h): every grant carries a number strictly greater than every earlier
//   grant of that name. Resources the holder writes can refuse writes carrying an older number
//   (see ExactCache::store_fenced).
// - Group commit: attempts (and releases) made by concurrent callers in the same moment go to
//   Redis as one script call over all their locks (script_batcher.h); each lock is still decided
//   on its own. On a Redis Cluster only locks of one slot are grouped.
// - Release and extend are compare-and-set scripts on the full value: they never delete or extend
//   a lock someone else holds now, and report that case as Errc::not_owner. Extend refuses a
//   TTL <= 0 (Errc::invalid_ttl).
// - Blocking acquire does not poll: a refused attempt marks the holder's value (lock_value.h),
//   the release of a marked lock appends to the lock's signal stream (an unmarked one just GETs
//   and DELs), and waiters block on it through the SignalHub (one XREAD per lock per process). They also re-check when
//   the holder's TTL runs out (a crashed holder sends no signal) and, as a slow fallback against a
//   lost notification, every recheck_interval.
// - Validity is measured on steady_clock from before the request was sent (LockGrant::valid()).
// - Lease renewal while the holder works: see lease.h.
//
// Thread-safe. Lifetime: the Client must outlive the LockManager, which must outlive its calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "redis/blocking_pool.h"
#include "domain/cache/keys.h"
#include "domain/cache/lock_value.h"
#include "domain/cache/script_batcher.h"
#include "domain/cache/signal_hub.h"
#include "redis/client.h"

namespace ragcache::cache {

struct LockOptions {
  std::string key_prefix;  // before every key (tests); empty in production
  // How long the fencing counter lives after its last grant. 0 = forever: right for the state
  // role, where numbers must keep increasing. Locks in the cache role need a TTL (docs/architecture.md):
  // pick one far longer than any holder can live (e.g. 7 days).
  std::chrono::milliseconds fence_counter_ttl{0};
  // How long the release-signal stream lives after the last release.
  std::chrono::milliseconds signal_ttl{60000};
  // Slow fallback re-check of a blocked acquire, in case a release notification is lost; also
  // the longest time one blocking XREAD lasts.
  std::chrono::milliseconds recheck_interval{1000};
  // Largest TTL accepted (a typo of hours for milliseconds should fail loudly).
  std::chrono::milliseconds max_ttl{std::chrono::hours(24)};
  // Most locks in one group-commit script call (script_batcher.h). A full batch is written at
  // once, while the callers after it are still being served, so with many callers several
  // batches are in flight: Redis runs one while the client prepares the next, instead of the
  // two taking turns over one big batch. Smaller costs more per lock (each call has a fixed
  // cost on both sides), larger overlaps less. See bench/cache/README.md.
  std::size_t group_commit_max = 25;
};

class LockManager {
 public:
  LockManager(redis::Client& client, LockOptions options = {});
  ~LockManager();
  LockManager(const LockManager&) = delete;
  LockManager& operator=(const LockManager&) = delete;

  // One attempt: the grant, or nullopt when someone else holds the lock.
  boost::asio::awaitable<Result<std::optional<LockGrant>>> try_acquire(std::string_view name,
                                                                       std::chrono::milliseconds ttl);

  // Waits until the lock is granted or wait_timeout passes (Errc::lock_timeout). Cancelling the
  // awaiting coroutine stops the wait (nothing is held then).
  boost::asio::awaitable<Result<LockGrant>> acquire(std::string_view name, std::chrono::milliseconds ttl,
                                                    std::chrono::milliseconds wait_timeout);

  // Errc::not_owner when the lock expired or is now someone else's (nothing is deleted then).
  boost::asio::awaitable<Result<void>> release(const LockGrant& grant);

  // New TTL from now; updates grant.valid_until. Errc::invalid_ttl for ttl <= 0, Errc::not_owner
  // when no longer held. co_keys (same hash slot) get co_ttl too: keys that live with the lock.
  boost::asio::awaitable<Result<void>> extend(LockGrant& grant, std::chrono::milliseconds ttl,
                                              const std::vector<std::string>& co_keys = {},
                                              std::chrono::milliseconds co_ttl = {});

  redis::Client& client() const { return client_; }
  const LockOptions& options() const { return options_; }
  const KeySchema& keys() const { return keys_; }

 private:
  struct Attempt {
    std::optional<LockGrant> grant;
    StreamId last_signal;                 // when held: newest release signal seen
    std::chrono::milliseconds holder_ttl{-1};  // when held: PTTL of the holder's lock
  };
  boost::asio::awaitable<Result<Attempt>> attempt(std::string_view name, std::chrono::milliseconds ttl);
  Result<void> check_ttl(std::chrono::milliseconds ttl) const;

  redis::Client& client_;
  LockOptions options_;
  KeySchema keys_;
  ScriptBatcher acquire_batcher_;
  ScriptBatcher release_batcher_;
  std::shared_ptr<redis::BlockingPool> pool_;
  std::unique_ptr<SignalHub> hub_;
};

}  // namespace ragcache::cache
