#include "domain/cache/lease.h"

#include <mutex>

#include "domain/cache/errors.h"

namespace ragcache::cache {

namespace asio = boost::asio;

struct Lease::State {
  LockManager& locks;
  std::vector<std::string> co_keys;
  std::chrono::milliseconds co_ttl;
  LostHandler on_lost;
  mutable std::mutex mu;
  LockGrant grant;  // under mu
  Error lost_because;  // under mu
};

namespace {

asio::awaitable<LeaseRenewer::Outcome> renew_once(std::shared_ptr<Lease::State> state) {
  LockGrant grant;
  {
    std::lock_guard lock(state->mu);
    grant = state->grant;
  }
  auto renewed = co_await state->locks.extend(grant, grant.ttl, state->co_keys, state->co_ttl);
  std::lock_guard lock(state->mu);
  if (renewed) {
    state->grant.valid_until = grant.valid_until;
    co_return LeaseRenewer::Outcome::renewed;
  }
  // Not ours any more: lost for sure. A Redis error: keep trying while the grant is still valid.
  if (renewed.error().code == Errc::not_owner || !grant.valid()) {
    state->lost_because = renewed.error();
    co_return LeaseRenewer::Outcome::lost;
  }
  co_return LeaseRenewer::Outcome::failed;
}

}  // namespace

std::shared_ptr<Lease> Lease::start(LockManager& locks, LockGrant grant, LostHandler on_lost,
                                    std::vector<std::string> co_keys, std::chrono::milliseconds co_ttl) {
  const auto every = grant.ttl / 3;
  auto state = std::shared_ptr<State>(new State{locks, std::move(co_keys), co_ttl, std::move(on_lost), {}, std::move(grant), {}});
  auto lease = std::shared_ptr<Lease>(new Lease(state));
  lease->renewer_ = LeaseRenewer::start(
      locks.client().executor(), every, [state]() { return renew_once(state); },
      [state] {
        Error why;
        {
          std::lock_guard lock(state->mu);
          why = state->lost_because;
        }
        if (state->on_lost) state->on_lost(why);
      });
  return lease;
}

Lease::~Lease() = default;

void Lease::stop() { renewer_->stop(); }

bool Lease::lost() const { return renewer_->lost(); }

LockGrant Lease::grant() const {
  std::lock_guard lock(state_->mu);
  return state_->grant;
}

}  // namespace ragcache::cache
