#include "redis/sentinel_router.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr int kMaxAttempts = 60;

asio::awaitable<void> sleep_for(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

milliseconds backoff(int attempt) { return milliseconds(std::min(200, 5 << std::min(attempt, 6))); }

// Errors that say "this server is not the writable primary (any more)": the command was refused.
bool demoted_or_starting(std::string_view text) {
  return text.starts_with("READONLY") || text.starts_with("LOADING") || text.starts_with("MASTERDOWN");
}

bool retriable(const Error& e) {
  return e.code == Errc::not_connected || e.code == Errc::closed ||
         (e.code == Errc::server_error && demoted_or_starting(e.detail));
}

asio::awaitable<void> resolve_task(std::shared_ptr<SentinelRouter> router) { co_await router->resolve(); }

asio::awaitable<void> periodic_resolve(std::weak_ptr<SentinelRouter> weak, milliseconds interval) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(interval);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    auto router = weak.lock();
    if (!router || !router->is_open()) co_return;
    co_await router->resolve();
  }
}

}  // namespace

std::shared_ptr<SentinelRouter> SentinelRouter::create(asio::any_io_executor ex, SentinelSpec spec,
                                                       ClientOptions options) {
  auto router = std::shared_ptr<SentinelRouter>(new SentinelRouter(std::move(ex), std::move(spec), std::move(options)));
  asio::co_spawn(router->executor_, resolve_task(router), asio::detached);
  asio::co_spawn(router->executor_, periodic_resolve(router->weak_from_this(), kResolveInterval), asio::detached);
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

bool SentinelRouter::connected() const {
  auto node = current();
  return node && node->connected();
}

void SentinelRouter::resolve_soon() {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || resolving_ || Clock::now() - last_resolve_ < kMinResolveGap) return;
  }
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
  std::uint64_t seen = 0;
  bool mine = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) co_return Error(Errc::closed);
    seen = generation_;
    if (!resolving_) resolving_ = mine = true;
  }
  if (!mine) {
    for (int i = 0; i < 1000; ++i) {
      co_await sleep_for(milliseconds(2));
      std::lock_guard lock(mutex_);
      if (generation_ != seen || !resolving_) break;
    }
    co_return Result<void>();
  }
  auto found = co_await ask_sentinels();
  std::shared_ptr<NodePool> old;
  {
    std::lock_guard lock(mutex_);
    resolving_ = false;
    ++generation_;
    last_resolve_ = Clock::now();
    if (found && !closed_) {
      const bool same = primary_ && primary_->endpoint().host == found->host && primary_->endpoint().port == found->port;
      if (!same) {
        old = std::move(primary_);
        primary_ = std::make_shared<NodePool>(executor_, *found, options_.connection, options_.pool_size);
      }
    }
  }
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

asio::awaitable<Result<Reply>> SentinelRouter::exec(Command cmd, Connection::Timeout timeout) {
  const auto deadline = Clock::now() + timeout.value_or(options_.connection.command_timeout);
  Result<Reply> last = Error(Errc::not_connected, "primary '" + spec_.master_name + "' not known yet");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto node = co_await primary_or_resolve();
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    if (node) {
      auto result = co_await node->pick().exec(cmd, remaining);
      if (result) co_return result;
      const Error& error = result.error();
      if (!retriable(error)) {
        if (error.code == Errc::connection_lost || error.code == Errc::timeout) resolve_soon();
        co_return result;
      }
      last = std::move(result);
    }
    resolve_soon();
    remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    co_await sleep_for(std::min(backoff(attempt), remaining));
  }
  co_return last;
}

asio::awaitable<Result<std::vector<Reply>>> SentinelRouter::exec_pipeline(std::vector<Command> cmds,
                                                                          Connection::Timeout timeout) {
  const auto deadline = Clock::now() + timeout.value_or(options_.connection.command_timeout);
  Result<std::vector<Reply>> last = Error(Errc::not_connected, "primary '" + spec_.master_name + "' not known yet");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto node = co_await primary_or_resolve();
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    if (node) {
      auto result = co_await node->pick().exec_pipeline(cmds, remaining);
      if (result) {
        // A demoted primary refuses every write (READONLY) and applies none: the pipeline may
        // be sent again whole to the new primary.
        const bool demoted = std::any_of(result->begin(), result->end(),
                                         [](const Reply& r) { return r.is_error() && demoted_or_starting(r.str); });
        if (!demoted) co_return result;
        last = std::move(result);
      } else {
        const Error& error = result.error();
        if (!retriable(error)) {
          if (error.code == Errc::connection_lost || error.code == Errc::timeout) resolve_soon();
          co_return result;
        }
        last = std::move(result);
      }
    }
    resolve_soon();
    remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    co_await sleep_for(std::min(backoff(attempt), remaining));
  }
  co_return last;
}

}  // namespace ragcache::redis
