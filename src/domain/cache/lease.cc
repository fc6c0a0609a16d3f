#include "domain/cache/lease.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "domain/cache/errors.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using std::chrono::milliseconds;

Lease::Lease(LockManager& locks, LockGrant grant, LostHandler on_lost, std::vector<std::string> co_keys,
             milliseconds co_ttl)
    : locks_(locks),
      grant_(std::move(grant)),
      on_lost_(std::move(on_lost)),
      co_keys_(std::move(co_keys)),
      co_ttl_(co_ttl),
      timer_(asio::make_strand(locks.client().executor())) {}

Lease::~Lease() = default;

std::shared_ptr<Lease> Lease::start(LockManager& locks, LockGrant grant, LostHandler on_lost,
                                    std::vector<std::string> co_keys, milliseconds co_ttl) {
  auto lease = std::shared_ptr<Lease>(new Lease(locks, std::move(grant), std::move(on_lost), std::move(co_keys), co_ttl));
  asio::co_spawn(lease->timer_.get_executor(), [lease]() { return lease->run(); }, asio::detached);
  return lease;
}

void Lease::stop() {
  if (stopped_.exchange(true)) return;
  asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

LockGrant Lease::grant() const {
  std::lock_guard lock(mu_);
  return grant_;
}

void Lease::mark_lost(const Error& e) {
  if (lost_.exchange(true)) return;
  if (on_lost_) on_lost_(e);
}

asio::awaitable<void> Lease::run() {
  auto self = shared_from_this();
  for (;;) {
    LockGrant grant = this->grant();
    auto period = std::max(grant.ttl / 3, milliseconds(1));
    timer_.expires_after(period);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopped_) co_return;
    auto renewed = co_await locks_.extend(grant, grant.ttl, co_keys_, co_ttl_);
    if (stopped_) co_return;
    if (renewed) {
      std::lock_guard lock(mu_);
      grant_.valid_until = grant.valid_until;
      continue;
    }
    // Not ours any more: lost for sure. A Redis error: keep trying while the grant is still valid.
    if (renewed.error().code == Errc::not_owner || !grant.valid()) {
      mark_lost(renewed.error());
      co_return;
    }
  }
}

}  // namespace ragcache::cache
