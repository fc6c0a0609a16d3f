// Single-flight: N concurrent identical requests, on any number of replicas, cost one compute.
//
//   SingleFlight flight(exact_cache);
//   auto r = co_await flight.get_or_compute(key, [=]() -> awaitable<Result<ComputeOutput>> {...});
//   r->role: hit (cached), leader (computed here: MISS), shared (another request's generation),
//            bypass (Redis unreachable: computed here, nothing cached)
//
// In one process, concurrent callers of a key share one Flight (the first caller's compute),
// whatever Redis does: when it is down, slow or refusing (queue full, circuit breaker open), the
// flight computes here without the cache, once, and its other callers get that answer (role
// shared; only the caller that started it reports bypass).
// Across processes, flight_begin.lua does in one atomic step: cache check, else join the running
// flight (lock:rag:{h} is held), else take the lock with a fresh fencing number and start a new
// flight stream rag:flight:{h}. Then:
// - The leader runs compute under a renewed lease (every lease/3; a failed renewal is logged and
//   makes the final write refused), appends chunks (streaming) with a fenced XADD, and finishes
//   with flight_finish.lua: fenced store of a complete answer, finish (or error) marker, short
//   expiry of the stream, release of the lock, all atomic. Errors are never cached; followers get
//   them as Errc::leader_failed. An answer whose key or namespace was invalidated while it was
//   being generated is delivered to its callers but not stored (ExactCache::invalidate*).
// - Followers read the flight stream from its start with XREAD BLOCK, so a follower arriving
//   mid-generation still gets every chunk. Only ONE blocking read per key per process is in
//   flight; its entries are fanned out in-process to every local caller. No polling: the read
//   returns as soon as the leader writes. Every recheck_interval without news, the follower re-runs
//   flight_begin: if the leader's lease lapsed without a finish marker (crash, pause), exactly one
//   follower gets the lock and takes over (SET NX semantics); the others follow the new generation.
//   With the default lease (2 s, renewed every 2/3 s) and re-check (0.5 s), a new leader starts
//   within ~2.5 s of the old one's death (multiprocess_itest.cc measures it).
// - A stream caller that already relayed chunks of a generation that died gets Errc::leader_lost
//   (the new leader's text would not continue the old one); callers that relayed nothing yet
//   follow the new generation.
// - A caller's wait ends at wait_timeout with Errc::wait_timeout, or, with compute_on_timeout,
//   it computes for itself (role bypass, nothing cached). For a stream caller the timeout bounds
//   the silence between chunks, not the whole answer.
// - Cancelling a caller only stops that caller's wait: the shared work (the leader's compute, the
//   follower's read) runs detached and is never cancelled by a caller, because other callers, here
//   or on other replicas, may still wait for it. So compute functions must own everything they use
//   (capture by value): they may run after the caller who supplied them has gone.
//
// Every decision above lives in a sans-I/O state machine (flight_fsm.h); this file does the I/O.
// Thread-safe; callers' executors must be strands or single-threaded (see async_event.h). The
// ExactCache (and its Client) must outlive the SingleFlight. The SingleFlight must outlive every
// flight it started, which may run on after their callers left: destroy it only once its
// executor has stopped (process shutdown).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/error.h"
#include "domain/cache/exact_cache.h"
#include "domain/cache/flight_fsm.h"
#include "domain/cache/lock_manager.h"

namespace ragcache::cache {

// "hit", "leader", "shared" or "bypass" (for logs and tests; the gateway maps a role to its
// X-Cache value itself).
std::string_view to_string(FlightRole role);

struct ComputeOutput {
  std::string value;
  Completion completion = Completion::complete;  // only complete answers are cached
};
using Compute = std::function<boost::asio::awaitable<Result<ComputeOutput>>()>;

struct FlightResult {
  FlightRole role = FlightRole::leader;
  std::string value;
};

// What a streaming leader's producer writes its output into.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Hands one chunk to every follower (local and remote) and to this caller's own handler.
  // Errc::lock_lost when this leader's lease lapsed (a newer leader may be running: stop);
  // a Redis error when remote followers could not be told (stop and return the error).
  virtual boost::asio::awaitable<Result<void>> push(std::string chunk) = 0;
  // How the answer ended (default complete); only complete answers are cached.
  virtual void set_completion(Completion completion) = 0;
  // What to cache instead of the pushed chunks joined (e.g. the whole answer assembled from a
  // stream of deltas, much smaller than the deltas). Followers still get the chunks.
  virtual void set_cached_value(std::string value) { (void)value; }
};
// The producer pushes chunks and returns; an error return is relayed to followers, not cached.
using StreamCompute = std::function<boost::asio::awaitable<Result<void>>(ChunkSink&)>;

struct StreamHandlers {
  // Once, before the first chunk (or at the end if there is none), with this caller's role, so
  // an HTTP handler can send its headers (X-Cache) first. May be empty.
  std::function<boost::asio::awaitable<void>(FlightRole)> on_start;
  // Every chunk in order, as it arrives. A cache hit is one chunk holding the whole answer.
  std::function<boost::asio::awaitable<void>(std::string_view)> on_chunk;
};

struct StreamResult {
  FlightRole role = FlightRole::leader;
  std::size_t chunks = 0;
  std::size_t bytes = 0;
};

struct SingleFlightOptions {
  // Lock TTL while the leader computes, renewed every lease/3: a dead leader is replaced at
  // most lease + recheck_interval later. Shorter means faster takeover but less tolerance for a
  // leader that stalls (a stall longer than ~2/3 of it costs a second compute, never a wrong answer).
  std::chrono::milliseconds lease{2000};
  std::chrono::milliseconds wait_timeout{60000};    // a caller's deadline
  bool compute_on_timeout = false;                  // at the deadline: compute yourself instead of failing
  std::chrono::milliseconds recheck_interval{500};  // longest XREAD BLOCK; leader-liveness re-check
  std::chrono::milliseconds stream_linger{10000};   // flight stream life after the finish marker
  std::chrono::milliseconds fence_counter_ttl{std::chrono::hours(24 * 7)};
  bool bypass_when_unavailable = true;  // Redis down: compute locally (uncached) rather than fail
};

struct SingleFlightStats {
  std::atomic<std::uint64_t> computes{0}, hits{0}, led{0}, followed{0}, takeovers{0}, bypassed{0},
      refused_finishes{0}, invalidated_in_flight{0};
};

class SingleFlight {
 public:
  explicit SingleFlight(ExactCache& cache, SingleFlightOptions options = {});
  ~SingleFlight();
  SingleFlight(const SingleFlight&) = delete;
  SingleFlight& operator=(const SingleFlight&) = delete;

  boost::asio::awaitable<Result<FlightResult>> get_or_compute(const CacheKey& key, Compute compute);

  // Streaming variant: chunks reach handlers.on_chunk as the leader produces them.
  boost::asio::awaitable<Result<StreamResult>> get_or_compute_stream(const CacheKey& key, StreamCompute produce,
                                                                     StreamHandlers handlers);

  const SingleFlightStats& stats() const { return stats_; }
  const SingleFlightOptions& options() const { return options_; }
  ExactCache& cache() const { return cache_; }

  struct Flight;
  struct FollowState;
  class LeaderSink;

 private:
  std::shared_ptr<Flight> join(const CacheKey& key, Compute compute, StreamCompute produce, bool& creator);
  // The I/O of one key's flight; every decision is the state machine's (flight_fsm.h).
  boost::asio::awaitable<void> drive(std::shared_ptr<Flight> f);
  boost::asio::awaitable<void> lead(std::shared_ptr<Flight> f, LockValue value, FlightFsm& fsm);
  boost::asio::awaitable<FollowEnd> follow(std::shared_ptr<Flight> f, FollowState& st, FlightFsm& fsm,
                                           const FlightFsm::Action& action);
  boost::asio::awaitable<void> bypass(std::shared_ptr<Flight> f);
  void finish(const std::shared_ptr<Flight>& f, std::optional<Error> error);

  ExactCache& cache_;
  SingleFlightOptions options_;
  LockManager locks_;
  std::shared_ptr<redis::BlockingPool> pool_;
  SingleFlightStats stats_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace ragcache::cache
