// A circuit breaker: stop waiting on a Redis that is down or stuck.
//
// Without it, every command sent to a SIGSTOP'd or unreachable Redis waits its full command
// timeout, so every request of the gateway pays that timeout (several times over when it makes
// several Redis calls). The breaker watches the outcome of each command:
//
//   closed    --(failure_threshold consecutive failures)-->  open
//   open      --(open_duration has passed; next caller)-->   half_open  (that caller is the probe)
//   half_open --(probe succeeds)-->                           closed
//   half_open --(probe fails)-->                              open      (for another open_duration)
//
// While open, and while a probe is out, every other command is refused at once (the Client
// returns Errc::circuit_open), so callers fall back (bypass the cache, answer 503) in microseconds
// instead of after the timeout, and the sick server is not flooded while it recovers. Only
// failures that mean "Redis is unavailable" count (counts_as_failure): an error reply such as
// WRONGTYPE proves the server is alive.
//
// The decisions take the time as an argument so the state machine is tested without sockets or
// sleeps. Thread-safe: admit() in the closed state is one relaxed atomic load (the hot path);
// everything else takes a mutex, which only failures and probes reach.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "base/error.h"
#include "redis/options.h"

namespace ragcache::redis {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  // What admit() decided for one command; hand it back to record() with the outcome.
  enum class Admission { pass, probe, refused };

  // options.failure_threshold must be at least 1 (0 means "no breaker": do not build one).
  explicit CircuitBreaker(CircuitBreakerOptions options);

  Admission admit(Clock::time_point now);
  // The outcome of a command admit() let through (pass or probe); refused ones are not recorded.
  void record(Admission admission, bool failed, Clock::time_point now);

  CircuitState state() const { return state_.load(std::memory_order_relaxed); }
  // Times the circuit went to open (from closed, or from half_open after a failed probe).
  std::uint64_t opened_count() const { return opened_.load(std::memory_order_relaxed); }
  // Commands refused without being sent.
  std::uint64_t refused_count() const { return refused_.load(std::memory_order_relaxed); }

  // True for the errors that mean Redis is unavailable or too slow (timeout, lost or no
  // connection, LOADING/BUSY/CLUSTERDOWN/MASTERDOWN replies); false for the others.
  static bool counts_as_failure(const Error& e);

 private:
  void move_to(CircuitState to);  // caller holds mutex_

  CircuitBreakerOptions options_;
  std::mutex mutex_;
  std::atomic<CircuitState> state_{CircuitState::closed};
  std::size_t consecutive_failures_ = 0;  // guarded by mutex_
  Clock::time_point opened_at_{};         // guarded by mutex_
  std::atomic<bool> any_failure_{false};  // closed state: a failure since the last success
  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace ragcache::redis
