// The Redis client the rest of ragcache uses: a pool of multiplexed connections (connection.h).
//
//   auto client = Client::create(io.get_executor(), {.url = "redis://127.0.0.1:6379"});
//   auto reply = co_await (*client)->exec(Command("GET", key));
//
// Each command goes to the least-loaded ready connection of the pool (node_pool.h); every
// connection pipelines the commands of many concurrent callers. Blocking commands (XREAD BLOCK, BLPOP) must not share
// those connections: take a dedicated() one. Pub/Sub has its own class (subscriber.h).
// The URL picks the router (router.h): redis:// rediss:// unix:// (one server, single_router.h),
// redis-cluster:// (cluster_router.h: slot routing, MOVED/ASK, failover) or redis-sentinel://
// (sentinel_router.h: the primary the sentinels name, followed across failovers). The API is the
// same in every mode.
// Thread-safe: call from any thread; results come back on the caller's executor.
// Lifetime: the Client must outlive its calls; destroying it closes its connections.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "redis/circuit_breaker.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis/endpoint.h"
#include "redis/options.h"
#include "redis/reply.h"
#include "redis/router.h"
#include "redis/script.h"
#include "redis/subscriber.h"

namespace ragcache::redis {

// A connection of its own (outside the pool), closed when this is destroyed.
class DedicatedConnection {
 public:
  explicit DedicatedConnection(std::shared_ptr<Connection> conn) : conn_(std::move(conn)) {}
  ~DedicatedConnection() { conn_->close(); }
  DedicatedConnection(const DedicatedConnection&) = delete;
  DedicatedConnection& operator=(const DedicatedConnection&) = delete;
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  std::shared_ptr<Connection> conn_;
};

class Client {
 public:
  // Parses the URL (bad URL -> Errc::bad_url) and starts connecting in the background.
  static Result<std::unique_ptr<Client>> create(boost::asio::any_io_executor ex, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One command; an error reply is Errc::server_error with the server's text.
  boost::asio::awaitable<Result<Reply>> exec(Command cmd, Connection::Timeout timeout = {});
  // Several commands in one round trip on one connection, replies in order (error replies stay
  // in the vector). Not atomic: wrap in MULTI/EXEC or use a script when atomicity matters.
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds,
                                                                   Connection::Timeout timeout = {});
  // EVALSHA with NOSCRIPT fallback. Every key the script touches must be in keys (cluster-safe).
  boost::asio::awaitable<Result<Reply>> eval(const Script& script, std::vector<std::string> keys,
                                             std::vector<std::string> args);

  // A new connection outside the pool, for blocking commands; same endpoint and options.
  // Cluster mode: a node of the cluster (use the overload with the key for keyed commands).
  std::unique_ptr<DedicatedConnection> dedicated();
  // The same, on the server that holds routing_key now (cluster mode: the slot's primary, as the
  // slot map knows it when called; other modes: as dedicated()).
  std::unique_ptr<DedicatedConnection> dedicated(std::string_view routing_key);

  // Every primary of the deployment, for commands that must visit each node (SCAN): the one
  // server, the primary Sentinel names now, or each slot owner of a cluster (the slot map is
  // fetched first, so the list is current).
  boost::asio::awaitable<Result<std::vector<Endpoint>>> primaries();
  // A connection of its own to one of those (same options as the pool's).
  std::unique_ptr<DedicatedConnection> dedicated_to(const Endpoint& endpoint);

  // A Pub/Sub subscriber on its own connection to the same server (see subscriber.h).
  std::shared_ptr<Subscriber> subscriber(Subscriber::MessageHandler on_message,
                                         Subscriber::ResubscribedHandler on_resubscribed = {});

  // True when at least one pooled connection is up.
  bool connected() const;
  // The circuit breaker (options.circuit_breaker); nullptr when it is off.
  const CircuitBreaker* circuit_breaker() const { return breaker_.get(); }
  // Where commands go: the single-server, cluster or sentinel router (never null).
  Router* router() const { return router_.get(); }
  const Endpoint& endpoint() const { return endpoint_; }
  const ClientOptions& options() const { return options_; }
  boost::asio::any_io_executor executor() const { return executor_; }

 private:
  Client(boost::asio::any_io_executor ex, Endpoint endpoint, ClientOptions options, std::shared_ptr<Router> router);
  // Breaker bookkeeping around one command (no-ops without a breaker).
  CircuitBreaker::Admission admit();
  template <class T>
  void record(CircuitBreaker::Admission admission, const Result<T>& result);

  boost::asio::any_io_executor executor_;
  Endpoint endpoint_;
  ClientOptions options_;
  std::shared_ptr<Router> router_;
  std::unique_ptr<CircuitBreaker> breaker_;  // options_.circuit_breaker.failure_threshold > 0
};

// Builds EVALSHA/EVAL commands (used by Client::eval and by pipelines that batch script calls).
Command evalsha_command(const Script& script, const std::vector<std::string>& keys,
                        const std::vector<std::string>& args);
Command eval_command(const Script& script, const std::vector<std::string>& keys, const std::vector<std::string>& args);

}  // namespace ragcache::redis
