#include "redis/cluster_router.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/cluster_slot.h"
#include "redis/command_routing.h"
#include "redis/errors.h"
#include "redis/retry_policy.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// Redirects and retries one command may go through before its error is returned (its deadline
// bounds it too).
constexpr int kMaxAttempts = 40;

Reply error_reply(std::string text) {
  Reply r;
  r.kind = Reply::Kind::error;
  r.str = std::move(text);
  return r;
}

asio::awaitable<Result<std::vector<Reply>>> send_group(std::shared_ptr<NodePool> node, std::vector<Command> part,
                                                      milliseconds timeout) {
  co_return co_await node->pick().exec_pipeline(std::move(part), timeout);
}

asio::awaitable<void> refresh_task(std::shared_ptr<ClusterRouter> router) { co_await router->refresh(); }

}  // namespace

std::shared_ptr<ClusterRouter> ClusterRouter::create(asio::any_io_executor ex, ClusterSpec spec, ClientOptions options) {
  auto router = std::shared_ptr<ClusterRouter>(new ClusterRouter(std::move(ex), std::move(spec), std::move(options)));
  router->start_periodic_refresh();
  return router;
}

ClusterRouter::ClusterRouter(asio::any_io_executor ex, ClusterSpec spec, ClientOptions options)
    : executor_(std::move(ex)), spec_(std::move(spec)), options_(std::move(options)) {}

ClusterRouter::~ClusterRouter() { close(); }

void ClusterRouter::start_periodic_refresh() {
  // The first refresh starts at once so the map is usually there before the first command.
  asio::co_spawn(executor_, refresh_task(shared_from_this()), asio::detached);
  auto refresh = [](ClusterRouter& router) -> asio::awaitable<void> { co_await router.refresh(); };
  asio::co_spawn(executor_, refresh_every(weak_from_this(), kRefreshInterval, refresh), asio::detached);
}

bool ClusterRouter::is_open() const {
  std::lock_guard lock(mutex_);
  return !closed_;
}

void ClusterRouter::close() {
  std::map<std::string, std::shared_ptr<NodePool>> nodes;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    nodes.swap(nodes_);
    slots_.fill(nullptr);
  }
  for (auto& [_, node] : nodes) node->close();
}

Endpoint ClusterRouter::endpoint_of(const NodeAddress& addr) const {
  Endpoint ep = spec_.seeds.front();  // transport and credentials are the same on every node
  ep.host = addr.host;
  ep.port = addr.port;
  return ep;
}

std::shared_ptr<NodePool> ClusterRouter::node_at(const NodeAddress& addr) {
  std::lock_guard lock(mutex_);
  auto& node = nodes_[addr.key()];
  if (!node) node = std::make_shared<NodePool>(executor_, endpoint_of(addr), options_.connection, options_.pool_size);
  return node;
}

void ClusterRouter::point_slot(std::uint16_t slot, std::shared_ptr<NodePool> node) {
  std::lock_guard lock(mutex_);
  if (!closed_) slots_[slot] = std::move(node);
}

std::shared_ptr<NodePool> ClusterRouter::node_for_key(std::optional<std::string_view> key) const {
  std::lock_guard lock(mutex_);
  if (key) return slots_[key_slot(*key)];
  // Keyless: a connected primary if there is one.
  std::shared_ptr<NodePool> any;
  for (const auto& [_, node] : nodes_) {
    if (node->connected()) return node;
    if (!any) any = node;
  }
  return any;
}

asio::awaitable<Result<std::vector<Endpoint>>> ClusterRouter::primaries() {
  auto refreshed = co_await refresh();
  if (!refreshed) co_return refreshed.error();
  co_return known_primaries();
}

std::vector<Endpoint> ClusterRouter::known_primaries() const {
  std::lock_guard lock(mutex_);
  std::vector<Endpoint> out;
  std::vector<const NodePool*> seen;
  for (const auto& node : slots_) {
    if (!node || std::find(seen.begin(), seen.end(), node.get()) != seen.end()) continue;
    seen.push_back(node.get());
    out.push_back(node->endpoint());
  }
  return out;
}

ClusterRouter::Stats ClusterRouter::stats() const {
  return Stats{moved_.load(), ask_.load(), retries_.load(), refreshes_.load()};
}

Endpoint ClusterRouter::endpoint_for(std::optional<std::string_view> routing_key) const {
  if (auto node = node_for_key(routing_key)) return node->endpoint();
  if (routing_key) {
    if (auto any = node_for_key(std::nullopt)) return any->endpoint();
  }
  return spec_.seeds.front();
}

bool ClusterRouter::connected() const {
  std::lock_guard lock(mutex_);
  for (const auto& [_, node] : nodes_) {
    if (node->connected()) return true;
  }
  return false;
}

void ClusterRouter::refresh_soon() {
  if (!is_open() || !gate_.due(kMinRefreshGap)) return;
  asio::co_spawn(executor_, refresh_task(shared_from_this()), asio::detached);
}

asio::awaitable<Result<void>> ClusterRouter::refresh() {
  if (!is_open()) co_return Error(Errc::closed);
  // Another caller refreshing: its result is as good as ours.
  if (!co_await gate_.enter()) co_return Result<void>();
  auto result = co_await fetch_and_apply();
  gate_.leave();
  co_return result;
}

asio::awaitable<Result<void>> ClusterRouter::fetch_and_apply() {
  // Ask connected primaries first (their pools are up), then the seeds and the rest.
  std::vector<std::shared_ptr<NodePool>> ready;
  std::vector<Endpoint> others;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [_, node] : nodes_) {
      if (node->connected()) {
        ready.push_back(node);
      } else {
        others.push_back(node->endpoint());
      }
    }
  }
  for (const auto& seed : spec_.seeds) {
    const bool known = std::any_of(ready.begin(), ready.end(), [&](const auto& n) {
      return n->endpoint().host == seed.host && n->endpoint().port == seed.port;
    });
    const bool listed = std::any_of(others.begin(), others.end(),
                                    [&](const Endpoint& e) { return e.host == seed.host && e.port == seed.port; });
    if (!known && !listed) others.push_back(seed);
  }
  Error last(Errc::not_connected, "no cluster node answered CLUSTER SLOTS");
  const std::size_t total = ready.size() + others.size();
  for (std::size_t i = 0; i < total; ++i) {
    Result<Reply> reply = Error(Errc::not_connected);
    std::string host;
    if (i < ready.size()) {
      host = ready[i]->endpoint().host;
      reply = co_await ready[i]->pick().exec(Command("CLUSTER", "SLOTS"), options_.connection.command_timeout);
    } else {
      const Endpoint& ep = others[i - ready.size()];
      host = ep.host;
      auto conn = Connection::create(executor_, ep, options_.connection);
      const auto limit = options_.connection.connect_timeout + options_.connection.command_timeout;
      reply = co_await conn->exec(Command("CLUSTER", "SLOTS"), limit);
      conn->close();
    }
    if (!reply) {
      last = reply.error();
      continue;
    }
    auto ranges = parse_cluster_slots(*reply, host);
    if (!ranges) {
      last = ranges.error();
      continue;
    }
    if (ranges->empty()) {
      last = Error(Errc::unexpected_reply, "CLUSTER SLOTS from " + host + " lists no slots");
      continue;
    }
    std::array<std::shared_ptr<NodePool>, 16384> fresh_slots;
    std::map<std::string, std::shared_ptr<NodePool>> fresh_nodes;
    std::map<std::string, std::shared_ptr<NodePool>> dropped;
    {
      std::lock_guard lock(mutex_);
      if (closed_) co_return Error(Errc::closed);
      for (const auto& range : *ranges) {
        const std::string key = range.primary.key();
        auto& node = fresh_nodes[key];
        if (!node) {
          auto old = nodes_.find(key);
          node = old != nodes_.end() ? old->second
                                     : std::make_shared<NodePool>(executor_, endpoint_of(range.primary),
                                                                  options_.connection, options_.pool_size);
        }
        for (std::size_t s = range.first; s <= range.last; ++s) fresh_slots[s] = node;
      }
      for (auto& [key, node] : nodes_) {
        if (!fresh_nodes.contains(key)) dropped.emplace(key, node);
      }
      slots_ = std::move(fresh_slots);
      nodes_ = std::move(fresh_nodes);
    }
    // Nodes that serve no slot any more (failed primaries, removed nodes): stop reconnecting to
    // them. Commands still in flight there fail with Errc::closed.
    for (auto& [_, node] : dropped) node->close();
    ++refreshes_;
    co_return Result<void>();
  }
  co_return last;
}

asio::awaitable<Result<Reply>> ClusterRouter::exec(Command cmd, Connection::Timeout timeout) {
  const auto budget = timeout.value_or(options_.connection.command_timeout);
  const auto deadline = Clock::now() + budget;
  const auto key = routing_key(cmd);
  std::shared_ptr<NodePool> ask_target;
  Result<Reply> last = Error(Errc::not_connected, "no cluster node reachable");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    std::shared_ptr<NodePool> node = ask_target ? ask_target : node_for_key(key);
    if (!node) {
      co_await refresh();
      node = node_for_key(key);
      if (!node) node = node_for_key(std::nullopt);
      if (!node) {
        NodeAddress seed{spec_.seeds.front().host, spec_.seeds.front().port};
        node = node_at(seed);
      }
      remaining = std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    }
    Result<Reply> result = Error(Errc::not_connected);
    if (ask_target) {
      std::vector<Command> asking;
      asking.push_back(Command("ASKING"));
      asking.push_back(cmd);
      auto replies = co_await node->pick().exec_pipeline(std::move(asking), remaining);
      if (!replies) {
        result = replies.error();
      } else if ((*replies)[1].is_error()) {
        result = Error(Errc::server_error, std::move((*replies)[1].str));
      } else {
        result = std::move((*replies)[1]);
      }
      ask_target.reset();
    } else {
      result = co_await node->pick().exec(cmd, remaining);
    }
    if (result) co_return result;
    const auto decision = classify(result.error(), node->endpoint().host);
    switch (decision.action) {
      case RetryAction::moved:
      case RetryAction::ask: {
        auto target = node_at(decision.redirect->target);
        if (decision.action == RetryAction::moved) {
          ++moved_;
          point_slot(decision.redirect->slot, target);
          refresh_soon();
        } else {
          ++ask_;
          ask_target = std::move(target);
        }
        last = std::move(result);
        continue;
      }
      case RetryAction::refresh_and_resend: refresh_soon(); break;
      case RetryAction::refresh_and_give_up: refresh_soon(); co_return result;
      case RetryAction::give_up:
      case RetryAction::done: co_return result;
    }
    ++retries_;
    last = std::move(result);
    remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) break;
    co_await sleep_for(std::min(retry_backoff(attempt), remaining));
  }
  co_return last;
}

asio::awaitable<Result<std::vector<Reply>>> ClusterRouter::exec_pipeline(std::vector<Command> cmds,
                                                                         Connection::Timeout timeout) {
  std::vector<Reply> out(cmds.size());
  if (cmds.empty()) co_return out;
  const auto budget = timeout.value_or(options_.connection.command_timeout);
  const auto deadline = Clock::now() + budget;
  auto remaining = [&] {
    return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
  };
  if (!node_for_key(std::nullopt)) co_await refresh();

  std::vector<std::shared_ptr<NodePool>> nodes;
  std::vector<std::optional<std::size_t>> node_of(cmds.size());
  std::vector<bool> joins_next(cmds.size(), false);
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const auto key = routing_key(cmds[i]);
    if (!key) {
      joins_next[i] = cmds[i].name() == "MULTI";
      continue;
    }
    auto node = node_for_key(key);
    if (!node) node = node_for_key(std::nullopt);
    if (!node) co_return Error(Errc::not_connected, "no cluster node reachable");
    auto it = std::find(nodes.begin(), nodes.end(), node);
    node_of[i] = static_cast<std::size_t>(it - nodes.begin());
    if (it == nodes.end()) nodes.push_back(std::move(node));
  }
  if (nodes.empty()) {
    auto any = node_for_key(std::nullopt);
    if (!any) co_return Error(Errc::not_connected, "no cluster node reachable");
    nodes.push_back(std::move(any));
  }

  // Every node's share goes out at once; the replies come back in the callers' order.
  const auto groups = group_pipeline(node_of, joins_next);
  std::vector<Result<std::vector<Reply>>> group_replies;
  {
    auto ex = co_await asio::this_coro::executor;
    const auto part_timeout = remaining();
    using Op = decltype(asio::co_spawn(ex, send_group(std::shared_ptr<NodePool>(), std::vector<Command>(), part_timeout),
                                       asio::deferred));
    std::vector<Op> ops;
    for (const auto& group : groups) {
      std::vector<Command> part;
      part.reserve(group.positions.size());
      for (std::size_t pos : group.positions) part.push_back(cmds[pos]);
      ops.push_back(asio::co_spawn(ex, send_group(nodes[group.node], std::move(part), part_timeout), asio::deferred));
    }
    auto parallel = asio::experimental::make_parallel_group(std::move(ops));
    auto [order, exceptions, results] =
        co_await parallel.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& e : exceptions) {
      if (e) std::rethrow_exception(e);
    }
    group_replies = std::move(results);
  }

  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& group = groups[g];
    auto& replies = group_replies[g];
    if (!replies) {
      const auto action = classify(replies.error(), nodes[group.node]->endpoint().host).action;
      if (action == RetryAction::refresh_and_give_up) refresh_soon();
      if (action != RetryAction::refresh_and_resend) co_return replies.error();
    }
    for (std::size_t k = 0; k < group.positions.size(); ++k) {
      const std::size_t pos = group.positions[k];
      const auto action = replies ? classify((*replies)[k], "").action : RetryAction::refresh_and_resend;
      const bool resend = action != RetryAction::done && action != RetryAction::give_up &&
                          action != RetryAction::refresh_and_give_up;
      if (!resend) {
        out[pos] = std::move((*replies)[k]);
        continue;
      }
      // Not sent, redirected or to be retried: this command alone, through exec's retry loop.
      const auto one_timeout = remaining();
      auto one = co_await exec(cmds[pos], one_timeout);
      if (one) {
        out[pos] = std::move(*one);
      } else if (one.error().code == Errc::server_error) {
        out[pos] = error_reply(std::move(one.error().detail));
      } else {
        co_return one.error();
      }
    }
  }
  co_return out;
}

}  // namespace ragcache::redis
