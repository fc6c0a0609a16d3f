#include "domain/cache/script_batcher.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "redis/cluster_slot.h"
#include "redis/errors.h"
#include "redis/topology_url.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using ItemResult = Result<redis::Reply>;

namespace {

// One caller waiting for its item's reply, its completion handler type-erased in the same
// allocation. (Boost 1.81's any_completion_handler recurses when moved into another one.)
struct Waiter {
  virtual ~Waiter() = default;
  virtual void invoke() = 0;
  asio::any_io_executor caller;  // where the handler must run
  ItemResult result = Error(redis::Errc::unexpected_reply);
};
template <class H>
struct WaiterOf final : Waiter {
  explicit WaiterOf(H h) : handler(std::move(h)) {}
  void invoke() override { std::move(handler)(std::move(result)); }
  H handler;
};
using Waiters = std::vector<std::unique_ptr<Waiter>>;

// Hands the results over on each caller's own executor, never inline (a caller starts its next
// call from its continuation, which must not run inside our loop over the reply): one posted
// handler per executor resumes all of its callers in order, rather than one post per caller.
void deliver(Waiters waiters) {
  std::vector<std::pair<asio::any_io_executor, Waiters>> by_executor;
  for (auto& w : waiters) {
    auto it = std::find_if(by_executor.begin(), by_executor.end(), [&](const auto& e) { return e.first == w->caller; });
    if (it == by_executor.end()) it = by_executor.insert(by_executor.end(), {w->caller, Waiters()});
    it->second.push_back(std::move(w));
  }
  for (auto& [ex, group] : by_executor) {
    asio::post(ex, [group = std::move(group)]() mutable {
      for (auto& w : group) w->invoke();
    });
  }
}

struct Batch {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  Waiters waiters;
};

}  // namespace

struct ScriptBatcher::State : std::enable_shared_from_this<State> {
  redis::Client& client;
  const redis::Script& script;
  Shape shape;
  std::vector<std::string> shared_args;
  bool by_slot;  // Redis Cluster: one batch per slot

  std::mutex mu;
  std::unordered_map<std::uint16_t, Batch> open;  // by group (slot, or 0), still taking items

  State(redis::Client& c, const redis::Script& s, Shape sh, std::vector<std::string> shared)
      : client(c), script(s), shape(sh), shared_args(std::move(shared)), by_slot(redis::is_cluster_url(c.options().url)) {}

  std::uint16_t group_of(const std::vector<std::string>& keys) const {
    return by_slot && !keys.empty() ? redis::key_slot(keys.front()) : 0;
  }

  // Adds an item; sends its batch now when full, else makes sure a flush is posted.
  void add(std::vector<std::string> keys, std::vector<std::string> args, std::unique_ptr<Waiter> w) {
    const auto group = group_of(keys);
    std::optional<Batch> full;
    bool first = false;
    {
      std::lock_guard lock(mu);
      auto& b = open[group];
      if (b.waiters.empty()) {
        first = true;
        b.keys.reserve(shape.keys_per_item * shape.max_items);
        b.args.reserve(shared_args.size() + shape.args_per_item * shape.max_items);
        b.args = shared_args;
      }
      for (auto& k : keys) b.keys.push_back(std::move(k));
      for (auto& a : args) b.args.push_back(std::move(a));
      b.waiters.push_back(std::move(w));
      if (b.waiters.size() >= shape.max_items) {
        full = std::move(b);
        open.erase(group);
      }
    }
    if (full) {
      send(std::move(*full));
    } else if (first) {
      asio::post(client.executor(), [self = shared_from_this(), group] { self->flush(group); });
    }
  }

  void flush(std::uint16_t group) {
    std::optional<Batch> b;
    {
      std::lock_guard lock(mu);
      auto it = open.find(group);
      if (it == open.end()) return;  // left when full; a newer batch posted its own flush
      b = std::move(it->second);
      open.erase(it);
    }
    send(std::move(*b));
  }

  void send(Batch b) {
    asio::co_spawn(client.executor(), run(shared_from_this(), std::move(b)), asio::detached);
  }

  static asio::awaitable<void> run(std::shared_ptr<State> self, Batch b) {
    auto reply = co_await self->client.eval(self->script, std::move(b.keys), std::move(b.args));
    const auto n = b.waiters.size();
    if (reply && (!reply->is_array() || reply->elements.size() != n)) {
      reply = Error(redis::Errc::unexpected_reply,
                    self->script.name() + ": " + std::to_string(n) + " items, reply " + reply->debug_string());
    }
    for (std::size_t i = 0; i < n; ++i) {
      auto& w = *b.waiters[i];
      if (!reply) {
        w.result = reply.error();
      } else if (auto& r = reply->elements[i]; r.is_error()) {
        w.result = Error(redis::Errc::server_error, std::move(r.str));
      } else {
        w.result = std::move(r);
      }
    }
    deliver(std::move(b.waiters));
  }
};

ScriptBatcher::ScriptBatcher(redis::Client& client, const redis::Script& script, Shape shape,
                             std::vector<std::string> shared_args)
    : state_(std::make_shared<State>(client, script, shape, std::move(shared_args))) {
  if (state_->shape.max_items == 0) state_->shape.max_items = 1;
}

ScriptBatcher::~ScriptBatcher() = default;

asio::awaitable<ItemResult> ScriptBatcher::call(std::vector<std::string> keys, std::vector<std::string> args) {
  if (keys.size() != state_->shape.keys_per_item || args.size() != state_->shape.args_per_item) {
    co_return Error(ragcache::Errc::invalid_argument, state_->script.name() + ": wrong number of keys or args");
  }
  auto caller = co_await asio::this_coro::executor;
  // A named initiation object, not a temporary inside the co_await expression (GCC 12).
  auto initiation = [state = state_, caller, keys = std::move(keys), args = std::move(args)](auto handler) mutable {
    std::unique_ptr<Waiter> w = std::make_unique<WaiterOf<decltype(handler)>>(std::move(handler));
    w->caller = caller;
    state->add(std::move(keys), std::move(args), std::move(w));
  };
  ItemResult result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(ItemResult)>(
      std::move(initiation), asio::use_awaitable);
  co_return result;
}

}  // namespace ragcache::cache
