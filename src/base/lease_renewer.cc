#include "base/lease_renewer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ragcache {

namespace asio = boost::asio;

LeaseRenewer::LeaseRenewer(asio::any_io_executor ex, std::chrono::milliseconds every, Renew renew, LostHandler on_lost)
    : timer_(asio::make_strand(std::move(ex))),
      every_(std::max(every, std::chrono::milliseconds(1))),
      renew_(std::move(renew)),
      on_lost_(std::move(on_lost)) {}

LeaseRenewer::~LeaseRenewer() = default;

std::shared_ptr<LeaseRenewer> LeaseRenewer::start(asio::any_io_executor ex, std::chrono::milliseconds every,
                                                  Renew renew, LostHandler on_lost) {
  auto renewer = std::shared_ptr<LeaseRenewer>(new LeaseRenewer(std::move(ex), every, std::move(renew), std::move(on_lost)));
  asio::co_spawn(renewer->timer_.get_executor(), [renewer]() { return renewer->run(); }, asio::detached);
  return renewer;
}

void LeaseRenewer::stop() {
  if (stopped_.exchange(true)) return;
  // The timer belongs to the loop's strand: cancel it there.
  asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

asio::awaitable<void> LeaseRenewer::run() {
  auto self = shared_from_this();
  while (!stopped_.load()) {
    timer_.expires_after(every_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopped_.load()) break;
    const auto outcome = co_await renew_();
    if (stopped_.load()) break;
    if (outcome == Outcome::renewed) {
      ++renewals_;
    } else if (outcome == Outcome::lost) {
      lost_.store(true);
      if (on_lost_) on_lost_();
      break;
    }
  }
}

}  // namespace ragcache
