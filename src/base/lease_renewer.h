// Keeps a lease alive while work runs: the one renewal loop of ragcache, under the single-flight
// leader's lock and general locks (domain/cache/lease.h) and under document ingest leases
// (domain/docs/lease_keeper.h).
//
//   auto renewer = LeaseRenewer::start(ex, ttl / 3, [..]() -> awaitable<LeaseRenewer::Outcome> {
//     ... extend the lease once ...
//   }, [] { ...the lease is lost: stop trusting it... });
//   ... work ...
//   renewer->stop();
//
// Every `every`, renew() runs once and says:
//   renewed -- go on;
//   lost    -- the lease is someone else's now (or surely expired): the loop ends, on_lost runs
//              once and lost() turns true;
//   failed  -- it could not tell (Redis unreachable): try again next time. The renew function
//              itself decides when not knowing becomes lost (e.g. once the lease's own validity
//              has run out).
// Thread-safe: stop(), lost() and renewals() from any thread; the loop runs on a strand of `ex`
// and keeps itself alive until it ends, at most one renew after stop(). Whatever renew() and
// on_lost use must live that long.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace ragcache {

class LeaseRenewer : public std::enable_shared_from_this<LeaseRenewer> {
 public:
  enum class Outcome { renewed, lost, failed };
  using Renew = std::function<boost::asio::awaitable<Outcome>()>;
  using LostHandler = std::function<void()>;

  static std::shared_ptr<LeaseRenewer> start(boost::asio::any_io_executor ex, std::chrono::milliseconds every,
                                             Renew renew, LostHandler on_lost = {});
  ~LeaseRenewer();
  LeaseRenewer(const LeaseRenewer&) = delete;
  LeaseRenewer& operator=(const LeaseRenewer&) = delete;

  // Ends renewal (call it before releasing the lease); idempotent.
  void stop();
  bool lost() const { return lost_.load(); }
  int renewals() const { return renewals_.load(); }

 private:
  LeaseRenewer(boost::asio::any_io_executor ex, std::chrono::milliseconds every, Renew renew, LostHandler on_lost);
  boost::asio::awaitable<void> run();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds every_;
  Renew renew_;
  LostHandler on_lost_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> lost_{false};
  std::atomic<int> renewals_{0};
};

}  // namespace ragcache
