#include "redis/sentinel_router.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/errors.h"
#include "redis/retry_policy.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr int kMaxAttempts = 60;

asio::awaitable<void> resolve_task(std::shared_ptr<SentinelRouter> router) { co_await router->resolve(); }

// What retry_policy.h says about one attempt. A pipeline: a demoted primary refuses every write
// (READONLY) and applies none, so the pipeline may be sent again whole.
RetryAction action_of(const Result<Reply>& result, std::string_view host) {
  return result ? RetryAction::done : classify(result.error(), host).action;
}
RetryAction action_of(const Result<std::vector<Reply>>& result, std::string_view host) {
  if (!result) return classify(result.error(), host).action;
  const bool refused = std::any_of(result->begin(), result->end(), [&](const Reply& r) {
    return classify(r, host).action == RetryAction::refresh_and_resend;
  });
  return refused ? RetryAction::refresh_and_resend : RetryAction::done;
}

}  // namespace

std::shared_ptr<SentinelRouter> SentinelRouter::create(asio::any_io_executor ex, SentinelSpec spec,
                                                       ClientOptions options) {
  auto router = std::shared_ptr<SentinelRouter>(new SentinelRouter(std::move(ex), std::move(spec), std::move(options)));
  asio::co_spawn(router->executor_, resolve_task(router), asio::detached);
  auto resolve = [](SentinelRouter& r) -> asio::awaitable<void> { co_await r.resolve(); };
  asio::co_spawn(router->executor_, refresh_every(router->weak_from_this(), kResolveInterval, resolve), asio::detached);
  return router;
}

SentinelRouter::SentinelRouter(asio::any_io_executor ex, SentinelSpec spec, ClientOptions options)
    : executor_(std::move(ex)), spec_(std::move(spec)), options_(std::move(options)) {
  ConnectionOptions sentinel_options = options_.connection;
  sentinel_options.client_name.clear();  // keep the handshake to what every sentinel accepts
  for (const auto& ep : spec_.sentinels) sentinels_.push_back(Connection::create(executor_, ep, sentinel_options));
}

SentinelRouter::~SentinelRouter() { close(); }

void SentinelRouter::close() {
  std::shared_ptr<NodePool> primary;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    primary.swap(primary_);
  }
  if (primary) primary->close();
  for (auto& s : sentinels_) s->close();
}

bool SentinelRouter::is_open() const {
  std::lock_guard lock(mutex_);
  return !closed_;
}

std::shared_ptr<NodePool> SentinelRouter::current() const {
  std::lock_guard lock(mutex_);
  return primary_;
}

Endpoint SentinelRouter::endpoint_for(std::optional<std::string_view>) const {
  if (auto node = current()) return node->endpoint();
  // Not resolved yet: an address that refuses connections (port 0), so a subscriber retries
  // (asking again) instead of talking to a sentinel by mistake.
  Endpoint unknown = spec_.node_template;
  unknown.host = "127.0.0.1";
  unknown.port = 0;
  return unknown;
}

asio::awaitable<Result<std::vector<Endpoint>>> SentinelRouter::primaries() {
  co_return std::vector<Endpoint>{endpoint_for(std::nullopt)};
}

bool SentinelRouter::connected() const {
  auto node = current();
  return node && node->connected();
}

void SentinelRouter::resolve_soon() {
  if (!is_open() || !gate_.due(kMinResolveGap)) return;
  asio::co_spawn(executor_, resolve_task(shared_from_this()), asio::detached);
}

asio::awaitable<Result<Endpoint>> SentinelRouter::ask_sentinels() {
  Error last(Errc::not_connected, "no sentinel reachable for '" + spec_.master_name + "'");
  const auto limit = options_.connection.command_timeout;
  for (auto& sentinel : sentinels_) {
    auto reply = co_await sentinel->exec(Command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", spec_.master_name), limit);
    if (!reply) {
      last = reply.error();
      continue;
    }
    if (reply->is_nil()) {
      last = Error(Errc::unexpected_reply, "sentinel " + sentinel->endpoint().describe() + " does not know master '" +
                                               spec_.master_name + "'");
      continue;
    }
    if (!reply->is_array() || reply->elements.size() != 2) {
      last = Error(Errc::unexpected_reply, "SENTINEL GET-MASTER-ADDR-BY-NAME: " + reply->debug_string());
      continue;
    }
    auto host = reply->elements[0].as_string();
    auto port = reply->elements[1].as_integer();
    if (!host || !port || *port <= 0 || *port > 65535) {
      last = Error(Errc::unexpected_reply, "SENTINEL GET-MASTER-ADDR-BY-NAME: " + reply->debug_string());
      continue;
    }
    Endpoint ep = spec_.node_template;
    ep.host = std::string(*host);
    ep.port = static_cast<std::uint16_t>(*port);
    co_return ep;
  }
  co_return last;
}

asio::awaitable<Result<void>> SentinelRouter::resolve() {
  if (!is_open()) co_return Error(Errc::closed);
  if (!co_await gate_.enter()) co_return Result<void>();  // another caller asked meanwhile
  auto found = co_await ask_sentinels();
  std::shared_ptr<NodePool> old;
  {
    std::lock_guard lock(mutex_);
    if (found && !closed_) {
      const bool same = primary_ && primary_->endpoint().host == found->host && primary_->endpoint().port == found->port;
      if (!same) {
        old = std::move(primary_);
        primary_ = std::make_shared<NodePool>(executor_, *found, options_.connection, options_.pool_size);
      }
    }
  }
  gate_.leave();
  if (old) old->close();  // the former primary: in-flight commands there fail (closed), and are resent
  if (!found) co_return found.error();
  co_return Result<void>();
}

asio::awaitable<std::shared_ptr<NodePool>> SentinelRouter::primary_or_resolve() {
  auto node = current();
  if (!node) {
    co_await resolve();
    node = current();
  }
  co_return node;
}

template <class T, class Send>
asio::awaitable<Result<T>> SentinelRouter::with_retries(Connection::Timeout timeout, Send send) {
  const auto deadline = Clock::now() + timeout.value_or(options_.connection.command_timeout);
  Result<T> last = Error(Errc::not_connected, "primary '" + spec_.master_name + "' not known yet");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto node = co_await primary_or_resolve();
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    if (node) {
      Result<T> result = co_await send(*node, remaining);
      const auto action = action_of(result, node->endpoint().host);
      if (action != RetryAction::refresh_and_resend) {
        if (action == RetryAction::refresh_and_give_up) resolve_soon();
        co_return result;
      }
      last = std::move(result);
    }
    resolve_soon();
    remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    co_await sleep_for(std::min(retry_backoff(attempt), remaining));
  }
  co_return last;
}

asio::awaitable<Result<Reply>> SentinelRouter::exec(Command cmd, Connection::Timeout timeout) {
  auto send = [&cmd](NodePool& node, milliseconds remaining) { return node.pick().exec(cmd, remaining); };
  co_return co_await with_retries<Reply>(timeout, send);
}

asio::awaitable<Result<std::vector<Reply>>> SentinelRouter::exec_pipeline(std::vector<Command> cmds,
                                                                          Connection::Timeout timeout) {
  auto send = [&cmds](NodePool& node, milliseconds remaining) { return node.pick().exec_pipeline(cmds, remaining); };
  co_return co_await with_retries<std::vector<Reply>>(timeout, send);
}

}  // namespace ragcache::redis
