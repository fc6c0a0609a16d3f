#include "domain/cache/flight_fsm.h"

#include "base/error.h"

namespace ragcache::cache {

EntryKind entry_kind(std::string_view type) {
  if (type == "s") return EntryKind::start;
  if (type == "c") return EntryKind::chunk;
  if (type == "d") return EntryKind::done;
  if (type == "e") return EntryKind::error;
  return EntryKind::unknown;
}

FlightFsm::Action FlightFsm::start() { return go({.step = Step::begin}); }

FlightFsm::Action FlightFsm::on_begin(const BeginReply& reply) {
  switch (reply.kind) {
    case BeginReply::Kind::hit:
      if (reply.usable) return go({.step = Step::deliver_hit});
      // Corrupt, or another request's entry under a colliding hash: treat it as a miss.
      skip_cache_ = true;
      return go({.step = Step::begin, .skip_cache = true});
    case BeginReply::Kind::acquired:
      took_over_ = followed_;
      return go({.step = Step::lead, .fence = reply.fence, .restart = true});
    case BeginReply::Kind::held: {
      // Another generation than the one read so far (or the first): from its start.
      const bool new_generation = reply.fence != fence_;
      const bool restart = new_generation && fence_ != 0;
      fence_ = reply.fence;
      followed_ = true;
      return go({.step = Step::follow, .fence = reply.fence, .restart = restart, .read_from_start = new_generation});
    }
    case BeginReply::Kind::unavailable:
      if (bypass_when_unavailable_) return go({.step = Step::bypass});
      return go({.step = Step::fail, .error = reply.error});
    case BeginReply::Kind::malformed: return go({.step = Step::fail, .error = reply.error});
  }
  return go({.step = Step::fail, .error = Error(ragcache::Errc::internal, "flight_begin: unknown reply")});
}

FlightFsm::EntryStep FlightFsm::on_entry(EntryKind kind, std::uint64_t start_fence) {
  switch (kind) {
    case EntryKind::start:
      // The lock changed hands while we read: a new leader restarted the stream.
      if (start_fence > fence_) {
        fence_ = start_fence;
        return EntryStep::restart;
      }
      return EntryStep::ignore;
    case EntryKind::chunk: return EntryStep::append;
    case EntryKind::done: return EntryStep::finish;
    case EntryKind::error: return EntryStep::fail;
    case EntryKind::unknown: return EntryStep::ignore;
  }
  return EntryStep::ignore;
}

FlightFsm::Action FlightFsm::on_follow_end(FollowEnd end) {
  switch (end) {
    case FollowEnd::finished: return go({.step = Step::done});
    case FollowEnd::quiet:
    case FollowEnd::read_failed: return go({.step = Step::begin, .skip_cache = skip_cache_});
    case FollowEnd::abandoned:
      return go({.step = Step::fail, .error = Error(ragcache::Errc::cancelled, "no caller left")});
  }
  return go({.step = Step::done});
}

FlightFsm::Action FlightFsm::on_compute_end(bool ok, bool cacheable) {
  stored_ = ok && cacheable;
  return go({.step = Step::finish, .fence = fence_, .store = stored_, .error_marker = !ok});
}

FlightFsm::Settled FlightFsm::after_finish(FinishReply reply) {
  step_ = Step::done;
  Settled s;
  switch (reply) {
    case FinishReply::finished: s.remember = stored_; break;
    case FinishReply::stale: break;  // invalidated on purpose: not an anomaly
    case FinishReply::refused:
    case FinishReply::failed: s.refused = true; break;  // followers may wait for a takeover
  }
  return s;
}

WaitStep after_wait(WaitEnd end, bool compute_on_timeout, std::size_t relayed) {
  switch (end) {
    case WaitEnd::notified: return WaitStep::look_again;
    case WaitEnd::cancelled: return WaitStep::cancelled;
    case WaitEnd::deadline:
      // A stream caller that relayed chunks cannot switch to an answer of its own.
      return compute_on_timeout && relayed == 0 ? WaitStep::compute_alone : WaitStep::timed_out;
  }
  return WaitStep::timed_out;
}

bool can_follow_new_generation(std::size_t relayed) { return relayed == 0; }

FlightRole caller_role(FlightRole flight_role, bool creator) {
  if (!creator && (flight_role == FlightRole::leader || flight_role == FlightRole::bypass)) return FlightRole::shared;
  return flight_role;
}

}  // namespace ragcache::cache
