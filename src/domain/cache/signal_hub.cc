#include "domain/cache/signal_hub.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unordered_map>

#include "domain/cache/async_event.h"
#include "domain/cache/stream_entries.h"
#include "redis/stream_tail.h"

namespace ragcache::cache {

namespace asio = boost::asio;

namespace {

struct Watch {
  AsyncEvent event;
  StreamId latest;          // newest entry the reader has seen
  bool has_latest = false;
  StreamId cursor;          // where the reader's next XREAD starts
  int waiters = 0;
  bool reader_running = false;
  redis::StreamTail* tail = nullptr;  // the reader's tail, for shutdown
};

}  // namespace

struct SignalHub::Shared {
  std::shared_ptr<redis::BlockingPool> pool;
  std::chrono::milliseconds slice;
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Watch>> watches;
  bool stopping = false;
};

namespace {

asio::awaitable<void> read_loop(std::shared_ptr<SignalHub::Shared> shared, std::string key,
                                std::shared_ptr<Watch> watch) {
  // Starts from what the first waiter knows; a failed read (Redis unreachable, the slot moved)
  // is retried on a fresh connection after a pause, while waiters fall back on their deadlines.
  std::string first;
  {
    std::lock_guard lock(shared->mu);
    first = watch->cursor.str();
  }
  redis::StreamTail tail(shared->pool, key, std::move(first), redis::StreamTailOptions{.block = shared->slice, .count = 64});
  for (;;) {
    {
      std::lock_guard lock(shared->mu);
      if (watch->waiters == 0 || shared->stopping) {
        auto it = shared->watches.find(key);
        if (it != shared->watches.end() && it->second == watch) shared->watches.erase(it);
        watch->tail = nullptr;
        watch->reader_running = false;
        break;
      }
      watch->tail = &tail;
    }
    auto reply = co_await tail.read();
    if (!reply) continue;
    auto entries = parse_xread(*reply);
    if (!entries || entries->empty()) continue;
    std::lock_guard lock(shared->mu);
    watch->latest = entries->back().id;
    watch->has_latest = true;
    watch->cursor = entries->back().id;
    watch->event.notify_all();
  }
}

}  // namespace

SignalHub::SignalHub(std::shared_ptr<redis::BlockingPool> pool, std::chrono::milliseconds slice)
    : shared_(std::make_shared<Shared>()) {
  shared_->pool = std::move(pool);
  shared_->slice = std::max(slice, std::chrono::milliseconds(10));
}

SignalHub::~SignalHub() {
  std::lock_guard lock(shared_->mu);
  shared_->stopping = true;
  for (auto& [key, watch] : shared_->watches) {
    if (watch->tail) watch->tail->stop();
  }
}

asio::awaitable<bool> SignalHub::wait(const std::string& stream_key, StreamId after, SteadyClock::time_point deadline) {
  std::shared_ptr<Watch> watch;
  bool start_reader = false;
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->stopping) co_return false;
    auto& slot = shared_->watches[stream_key];
    if (!slot) slot = std::make_shared<Watch>();
    watch = slot;
    if (watch->has_latest && watch->latest > after) co_return true;
    if (!watch->reader_running) {
      // No reader yet: it starts from what this waiter knows.
      watch->cursor = after;
      watch->reader_running = true;
      start_reader = true;
    } else if (after < watch->cursor) {
      // The reader is already past this waiter's view: there may be entries it never saw.
      co_return true;
    }
    ++watch->waiters;
  }
  if (start_reader) {
    asio::co_spawn(shared_->pool->client().executor(), read_loop(shared_, stream_key, watch), asio::detached);
  }
  bool signalled = false;
  for (;;) {
    auto seen = watch->event.generation();
    {
      std::lock_guard lock(shared_->mu);
      if (watch->has_latest && watch->latest > after) {
        signalled = true;
        break;
      }
    }
    auto wake = co_await watch->event.wait(seen, deadline);
    if (wake != AsyncEvent::Wake::notified) break;
  }
  std::lock_guard lock(shared_->mu);
  --watch->waiters;
  co_return signalled;
}

}  // namespace ragcache::cache
