#include "domain/limits/lease_keeper.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>

namespace ragcache::limits {
namespace {

namespace asio = boost::asio;

}  // namespace

LeaseKeeper::LeaseKeeper(DocRegistry& docs, IngestTicket ticket, std::chrono::milliseconds every)
    : docs_(docs), ticket_(std::move(ticket)), every_(std::max(every, std::chrono::milliseconds(1))) {}

LeaseKeeper::~LeaseKeeper() { stop(); }

void LeaseKeeper::start(asio::any_io_executor ex) {
  if (state_) return;
  state_ = std::make_shared<State>(ex, docs_, ticket_, every_);
  asio::co_spawn(ex, renew_loop(state_), asio::detached);
}

asio::awaitable<void> LeaseKeeper::renew_loop(std::shared_ptr<State> state) {
  while (!state->stopped) {
    state->timer.expires_after(state->every);
    co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (state->stopped) break;
    auto renewed = co_await state->docs.renew(state->ticket);
    if (!renewed) continue;  // Redis hiccup: try again next time, the lease may still hold
    if (!*renewed) {
      state->lost = true;
      break;
    }
    ++state->renewals;
  }
}

void LeaseKeeper::stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace ragcache::limits
