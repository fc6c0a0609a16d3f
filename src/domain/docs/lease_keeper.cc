#include "domain/docs/lease_keeper.h"

namespace ragcache::docs {

namespace asio = boost::asio;

LeaseKeeper::LeaseKeeper(DocRegistry& docs, IngestTicket ticket, std::chrono::milliseconds every)
    : docs_(docs), ticket_(std::move(ticket)), every_(every) {}

LeaseKeeper::~LeaseKeeper() { stop(); }

void LeaseKeeper::start(asio::any_io_executor ex) {
  if (renewer_) return;
  auto renew = [&docs = docs_, ticket = ticket_]() -> asio::awaitable<LeaseRenewer::Outcome> {
    auto renewed = co_await docs.renew(ticket);
    if (!renewed) co_return LeaseRenewer::Outcome::failed;  // a Redis hiccup: the lease may still hold
    co_return *renewed ? LeaseRenewer::Outcome::renewed : LeaseRenewer::Outcome::lost;
  };
  renewer_ = LeaseRenewer::start(std::move(ex), every_, std::move(renew));
}

void LeaseKeeper::stop() {
  if (renewer_) renewer_->stop();
}

}  // namespace ragcache::docs
