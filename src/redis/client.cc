#include "redis/client.h"

#include "redis/cluster_router.h"
#include "redis/errors.h"
#include "redis/sentinel_router.h"
#include "redis/single_router.h"
#include "redis/topology_url.h"

namespace ragcache::redis {

Result<std::unique_ptr<Client>> Client::create(boost::asio::any_io_executor ex, ClientOptions options) {
  if (options.pool_size == 0) return Error(Errc::bad_url, "pool_size must be at least 1");
  std::shared_ptr<Router> router;
  Endpoint first;
  if (is_cluster_url(options.url)) {
    auto spec = parse_cluster_url(options.url);
    if (!spec) return spec.error();
    first = spec->seeds.front();
    router = ClusterRouter::create(ex, std::move(*spec), options);
  } else if (is_sentinel_url(options.url)) {
    auto spec = parse_sentinel_url(options.url);
    if (!spec) return spec.error();
    first = spec->sentinels.front();
    router = SentinelRouter::create(ex, std::move(*spec), options);
  } else {
    auto endpoint = parse_endpoint(options.url);
    if (!endpoint) return endpoint.error();
    first = *endpoint;
    router = std::make_shared<SingleRouter>(ex, std::move(*endpoint), options);
  }
  return std::unique_ptr<Client>(new Client(std::move(ex), std::move(first), std::move(options), std::move(router)));
}

Client::Client(boost::asio::any_io_executor ex, Endpoint endpoint, ClientOptions options, std::shared_ptr<Router> router)
    : executor_(std::move(ex)), endpoint_(std::move(endpoint)), options_(std::move(options)), router_(std::move(router)) {
  if (options_.circuit_breaker.failure_threshold > 0) breaker_ = std::make_unique<CircuitBreaker>(options_.circuit_breaker);
}

Client::~Client() { router_->close(); }

CircuitBreaker::Admission Client::admit() {
  return breaker_ ? breaker_->admit(CircuitBreaker::Clock::now()) : CircuitBreaker::Admission::pass;
}

template <class T>
void Client::record(CircuitBreaker::Admission admission, const Result<T>& result) {
  if (!breaker_) return;
  const bool failed = result.has_error() && CircuitBreaker::counts_as_failure(result.error());
  breaker_->record(admission, failed, CircuitBreaker::Clock::now());
}

namespace {
Error circuit_open_error() {
  return Error(Errc::circuit_open, "Redis failed repeatedly; commands are refused until a probe succeeds");
}
}  // namespace

boost::asio::awaitable<Result<Reply>> Client::exec(Command cmd, Connection::Timeout timeout) {
  const auto admission = admit();
  if (admission == CircuitBreaker::Admission::refused) co_return circuit_open_error();
  auto result = co_await router_->exec(std::move(cmd), timeout);
  record(admission, result);
  co_return result;
}

boost::asio::awaitable<Result<std::vector<Reply>>> Client::exec_pipeline(std::vector<Command> cmds,
                                                                         Connection::Timeout timeout) {
  const auto admission = admit();
  if (admission == CircuitBreaker::Admission::refused) co_return circuit_open_error();
  auto result = co_await router_->exec_pipeline(std::move(cmds), timeout);
  record(admission, result);
  co_return result;
}

Command evalsha_command(const Script& script, const std::vector<std::string>& keys,
                        const std::vector<std::string>& args) {
  Command cmd("EVALSHA", script.sha1(), keys.size());
  cmd.args(keys).args(args);
  return cmd;
}

Command eval_command(const Script& script, const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  Command cmd("EVAL", script.source(), keys.size());
  cmd.args(keys).args(args);
  return cmd;
}

boost::asio::awaitable<Result<Reply>> Client::eval(const Script& script, std::vector<std::string> keys,
                                                   std::vector<std::string> args) {
  auto reply = co_await exec(evalsha_command(script, keys, args));
  if (!reply && reply.error().code == Errc::server_error && reply.error().detail.starts_with("NOSCRIPT")) {
    // Script cache flushed or server restarted: EVAL runs it and caches it for the next EVALSHA.
    reply = co_await exec(eval_command(script, keys, args));
  }
  co_return reply;
}

std::unique_ptr<DedicatedConnection> Client::dedicated() { return dedicated_to(router_->endpoint_for(std::nullopt)); }

std::unique_ptr<DedicatedConnection> Client::dedicated(std::string_view routing_key) {
  return dedicated_to(router_->endpoint_for(routing_key));
}

boost::asio::awaitable<Result<std::vector<Endpoint>>> Client::primaries() { return router_->primaries(); }

std::unique_ptr<DedicatedConnection> Client::dedicated_to(const Endpoint& endpoint) {
  return std::make_unique<DedicatedConnection>(Connection::create(executor_, endpoint, options_.connection));
}

std::shared_ptr<Subscriber> Client::subscriber(Subscriber::MessageHandler on_message,
                                               Subscriber::ResubscribedHandler on_resubscribed) {
  // One server: always the same endpoint. Cluster: Pub/Sub messages reach every node (Redis 7.0), so any node will do. Sentinel: the
  // primary. Either way the subscriber asks the router again before each reconnect, so it
  // follows a failover.
  std::weak_ptr<Router> weak = router_;
  const Endpoint first = router_->endpoint_for(std::nullopt);
  Subscriber::EndpointProvider where = [weak, first] {
    auto router = weak.lock();
    return router ? router->endpoint_for(std::nullopt) : first;
  };
  return Subscriber::create(executor_, first, options_.connection, std::move(on_message), std::move(on_resubscribed),
                            std::move(where));
}

bool Client::connected() const { return router_->connected(); }

}  // namespace ragcache::redis
