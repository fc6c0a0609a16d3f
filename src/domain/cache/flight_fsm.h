// The decisions of single-flight (single_flight.h) as a sans-I/O state machine: what the driver
// of one key's flight in this process does next, given what Redis answered. single_flight.cc
// does the I/O (scripts, the flight stream, the compute) and feeds each outcome back here, so
// every transition is unit-tested without a server (flight_fsm_test.cc).
//
//   begin ──hit (usable)──────────────> deliver_hit
//     │   ──hit (another request's)───> begin (skipping the cache)
//     │   ──acquired──────────────────> lead ──compute ended──> finish ──finish replied──> done
//     │   ──held by generation g──────> follow g ──finished marker──> done
//     │                                   │     ──quiet / read failed──> begin (the leader alive?)
//     │                                   │     ──no caller left──────> fail (cancelled)
//     │   ──Redis unavailable─────────> bypass (compute here, uncached, shared in-process) | fail
//     └── ──malformed reply───────────> fail
//
// - Takeover: a follower whose re-check finds the lock free (the leader's lease lapsed without
//   a finish marker: it died or stalled) acquires it and leads; took_over() counts it. Chunks
//   relayed from the dead generation are dropped (restart) before the new one is read or made.
// - Invalidation during a flight: the leader's flight_begin sets an in-flight marker beside the
//   answer's key (rag:exact:...{h}:inflight, KeySchema::inflight); invalidating the key or its
//   namespace deletes it with the answer (the namespace SCAN matches it too), and the finish
//   script stores only while the marker is still the one its generation set (reply `stale`
//   otherwise). The flight's own callers still get the answer; it is just not kept.
// - Callers of a flight (the requests waiting on it in this process) decide with after_wait()
//   what a wake-up means, and with caller_role() which role they report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/error.h"

namespace ragcache::cache {

enum class FlightRole { hit, leader, shared, bypass };

// What flight_begin.lua answered (or why it could not be asked), as the driver read it.
struct BeginReply {
  enum class Kind { hit, acquired, held, unavailable, malformed };
  Kind kind = Kind::unavailable;
  bool usable = false;      // hit: the entry decoded and belongs to this very request
  std::uint64_t fence = 0;  // acquired / held: the generation's fencing number
  Error error = {};         // unavailable / malformed
};

// How one pass of following the flight stream ended.
enum class FollowEnd {
  finished,     // a finish or error marker: the flight is over
  quiet,        // no entry for a whole re-check interval: is the leader still alive?
  read_failed,  // the stream could not be read (its connection is renewed on the next read)
  abandoned,    // no caller of this process waits any more
};

// One entry of the flight stream, by its type field.
enum class EntryKind { start, chunk, done, error, unknown };
EntryKind entry_kind(std::string_view type_field);

// What the finish script did.
enum class FinishReply {
  finished,  // finish marker written, lock released (and the answer stored if it was given)
  stale,     // finished, but the key was invalidated during the flight: the answer not stored
  refused,   // the lock had lapsed: a newer leader may run, nothing written
  failed,    // Redis could not be asked
};

class FlightFsm {
 public:
  enum class Step { begin, deliver_hit, lead, follow, bypass, finish, done, fail };

  struct Action {
    Step step = Step::begin;
    bool skip_cache = false;       // begin: the cached entry is another request's: ignore it
    std::uint64_t fence = 0;       // lead / follow: the generation
    bool restart = false;          // lead / follow: drop what was collected from a dead generation
    bool read_from_start = false;  // follow: read this generation's stream from its first entry
    bool store = false;            // finish: write the answer with the finish marker
    bool error_marker = false;     // finish: an error marker (the compute failed)
    std::optional<Error> error = {};  // fail
  };

  // What to do once the finish script answered (see after_finish()).
  struct Settled {
    bool remember = false;  // keep the answer in this process's L1
    bool refused = false;   // the finish was refused or failed: no marker, nothing stored (stats, log)
  };

  explicit FlightFsm(bool bypass_when_unavailable = true) : bypass_when_unavailable_(bypass_when_unavailable) {}

  Action start();
  Action on_begin(const BeginReply& reply);
  // A stream entry while following: start markers carry the fence of the generation that wrote
  // them. Returns restart when a newer generation restarted the stream under our feet.
  enum class EntryStep { restart, append, finish, fail, ignore };
  EntryStep on_entry(EntryKind kind, std::uint64_t start_fence = 0);
  Action on_follow_end(FollowEnd end);
  // The leader's compute ended. `cacheable`: ok, complete and small enough to store.
  Action on_compute_end(bool ok, bool cacheable);
  // The finish script answered.
  Settled after_finish(FinishReply reply);

  Step step() const { return step_; }
  bool followed() const { return followed_; }
  bool took_over() const { return took_over_; }
  std::uint64_t fence() const { return fence_; }

 private:
  Action go(Action a) {
    step_ = a.step;
    return a;
  }

  bool bypass_when_unavailable_;
  Step step_ = Step::begin;
  bool skip_cache_ = false;
  bool followed_ = false;
  bool took_over_ = false;
  std::uint64_t fence_ = 0;  // generation being followed (0: none yet)
  bool stored_ = false;      // finish was asked to store
};

// A caller waiting on a flight in this process: what a wake-up means.
enum class WaitEnd { notified, deadline, cancelled };
enum class WaitStep {
  look_again,     // something changed: read the flight's state again
  cancelled,      // the caller went away
  timed_out,      // Errc::wait_timeout
  compute_alone,  // compute_on_timeout: compute for itself (role bypass, nothing cached)
};
// `relayed`: chunks this caller already handed on (a stream caller cannot switch answers).
WaitStep after_wait(WaitEnd end, bool compute_on_timeout, std::size_t relayed);

// A stream caller that sees the flight's generation change: false when it must fail with
// Errc::leader_lost (it relayed chunks of the dead generation), true when it can follow the new
// one from its first chunk.
bool can_follow_new_generation(std::size_t relayed);

// The role a caller reports: whoever did not start the flight was served by another request's
// generation (shared), also when this process computed it without Redis (bypass).
FlightRole caller_role(FlightRole flight_role, bool creator);

}  // namespace ragcache::cache
