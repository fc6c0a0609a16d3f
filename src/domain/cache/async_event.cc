#include "domain/cache/async_event.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ragcache::cache {

namespace asio = boost::asio;

std::uint64_t AsyncEvent::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

asio::awaitable<AsyncEvent::Wake> AsyncEvent::wait(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex, deadline);
  std::list<std::shared_ptr<asio::steady_timer>>::iterator it;
  {
    std::lock_guard lock(mu_);
    if (generation_ != seen) co_return Wake::notified;
    it = waiters_.insert(waiters_.end(), timer);
  }
  auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  bool notified = false;
  {
    std::lock_guard lock(mu_);
    waiters_.erase(it);
    notified = generation_ != seen;
  }
  if (notified) co_return Wake::notified;
  if (std::chrono::steady_clock::now() >= deadline) co_return Wake::deadline;
  // Aborted without a notification and before the deadline: our caller cancelled us.
  co_return ec ? Wake::cancelled : Wake::deadline;
}

void AsyncEvent::notify_all() {
  std::lock_guard lock(mu_);
  ++generation_;
  for (auto& timer : waiters_) {
    // expires_at(min) both cancels a pending wait and makes a wait not yet started finish at once.
    asio::post(timer->get_executor(), [timer] { timer->expires_at(std::chrono::steady_clock::time_point::min()); });
  }
}

}  // namespace ragcache::cache
