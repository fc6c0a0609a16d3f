// When a Redis command may be sent again: one policy for every router (cluster_router.h,
// sentinel_router.h, and the single-server one), pure, decided from the outcome of one attempt.
//
//   outcome                                        action
//   a reply (not an error)                         done
//   -MOVED slot host:port                          moved: re-point the slot, send again at once
//   -ASK slot host:port                            ask: ASKING + the command on that node, once
//   -TRYAGAIN / CLUSTERDOWN / READONLY / LOADING / refresh the topology, back off, send again
//    MASTERDOWN (refused by a server that cannot  (the command did not run)
//    serve it now), or not sent at all
//    (not_connected, closed)
//   lost in flight or timed out                    refresh the topology, give up: it may have
//    (connection_lost, timeout)                    run, so the caller decides (never resent)
//   anything else (WRONGTYPE, a script error, ...) give up
// A router may not know some actions (Sentinel has no slots): it gives up on them.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "base/error.h"
#include "redis/cluster_topology.h"
#include "redis/reply.h"

namespace ragcache::redis {

enum class RetryAction {
  done,                // the reply is the answer
  moved,               // redirect: the slot lives elsewhere for good
  ask,                 // redirect: this one command goes elsewhere, once
  refresh_and_resend,  // not run: refresh the topology, back off, send again (until the deadline)
  refresh_and_give_up, // outcome unknown: refresh the topology, return the error
  give_up,             // a final error: return it
};

struct RetryDecision {
  RetryAction action = RetryAction::done;
  std::optional<Redirect> redirect;  // moved / ask: where to
};

// The decision after an error. `node_host` is the host the command went to (a redirect that
// names no host means that one).
RetryDecision classify(const Error& error, std::string_view node_host);
// The decision for one reply of a pipeline (error replies stay in the vector).
RetryDecision classify(const Reply& reply, std::string_view node_host);

// Error texts of a server that refused a command it cannot serve right now (nothing ran):
// TRYAGAIN, CLUSTERDOWN, READONLY, LOADING, MASTERDOWN.
bool refused_for_now(std::string_view error_text);

// The pause before attempt `attempt` + 1 (0-based): 5, 10, 20, ... 200 ms -- quick while a slot
// moves, gentle while a failover takes seconds.
std::chrono::milliseconds retry_backoff(int attempt);

}  // namespace ragcache::redis
