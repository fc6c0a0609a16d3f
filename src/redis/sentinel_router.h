// Sentinel mode of Client (URL redis-sentinel://s1:26379,s2:26379/mastername).
//
// Asks the sentinels (SENTINEL GET-MASTER-ADDR-BY-NAME) where the primary is and keeps a
// connection pool to it. The answer is re-checked every kResolveInterval and at once when the
// primary misbehaves (refused connection, lost connection, READONLY because it was demoted,
// LOADING); when the address changes, commands go to the new primary and the old pool is closed.
// Commands that were surely not applied (refused before sending, READONLY, LOADING) are resent
// to the new primary until their deadline; commands lost in flight return their error (outcome
// unknown): retry_policy.h decides. Sentinel connections are kept open between checks (one per sentinel).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <mutex>

#include "redis/node_pool.h"
#include "redis/options.h"
#include "redis/refresh_gate.h"
#include "redis/router.h"
#include "redis/topology_url.h"

namespace ragcache::redis {

class SentinelRouter : public Router, public std::enable_shared_from_this<SentinelRouter> {
 public:
  static constexpr std::chrono::milliseconds kResolveInterval{1000};
  static constexpr std::chrono::milliseconds kMinResolveGap{50};

  static std::shared_ptr<SentinelRouter> create(boost::asio::any_io_executor ex, SentinelSpec spec,
                                                ClientOptions options);
  ~SentinelRouter() override;

  boost::asio::awaitable<Result<Reply>> exec(Command cmd, Connection::Timeout timeout) override;
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds,
                                                                   Connection::Timeout timeout) override;
  Endpoint endpoint_for(std::optional<std::string_view> routing_key) const override;
  boost::asio::awaitable<Result<std::vector<Endpoint>>> primaries() override;
  bool connected() const override;
  void close() override;
  bool is_open() const;

  // Asks the sentinels now; switches to the primary they name.
  boost::asio::awaitable<Result<void>> resolve();

 private:
  using Clock = std::chrono::steady_clock;
  SentinelRouter(boost::asio::any_io_executor ex, SentinelSpec spec, ClientOptions options);
  std::shared_ptr<NodePool> current() const;
  void resolve_soon();
  boost::asio::awaitable<Result<Endpoint>> ask_sentinels();
  boost::asio::awaitable<std::shared_ptr<NodePool>> primary_or_resolve();
  // Sends on the primary until retry_policy.h says the outcome is final or the deadline passes.
  template <class T, class Send>
  boost::asio::awaitable<Result<T>> with_retries(Connection::Timeout timeout, Send send);

  boost::asio::any_io_executor executor_;
  SentinelSpec spec_;
  ClientOptions options_;
  std::vector<std::shared_ptr<Connection>> sentinels_;

  mutable std::mutex mutex_;
  std::shared_ptr<NodePool> primary_;
  RefreshGate gate_;
  bool closed_ = false;
};

}  // namespace ragcache::redis
