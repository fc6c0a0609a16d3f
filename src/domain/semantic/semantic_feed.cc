// How each process's index follows Redis (SemanticCache's feed half; semantic_cache.cc holds the
// reads and writes). Every change to partition p appends to p's own feed (rag:semlog:{p}, in p's
// slot, atomically with the change) and then rings a doorbell: one entry p=<p> on rag:semring.
// A process runs ONE feed loop: a blocking XREAD of the doorbell on one dedicated connection;
// the partitions it names that this process holds are then read from their feeds in one
// pipeline on the shared pool. So a gateway needs one connection for all its partitions,
// whatever callers send (every model, tenant or namespace is a partition). A lost doorbell (a
// writer that died between the two writes, a dropped connection, a trimmed ring) delays a change
// by at most one resync period: every held partition's feed is read then; lookups verify every
// candidate in Redis meanwhile, so nothing stale is ever served.
// Held partitions are bounded (options.max_partitions): the least recently used is unloaded and
// rebuilt from Redis when it is needed again.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "base/poll_until.h"
#include "domain/semantic/semantic_cache_state.h"

namespace ragcache::semantic {

namespace asio = boost::asio;
using redis::Command;

namespace {

constexpr std::int64_t kFeedReadCount = 512;  // events per partition per read
constexpr std::int64_t kRingReadCount = 1024;
constexpr std::int64_t kRingMaxLength = 1000;  // XADD MAXLEN ~: the ring only says "look"

std::atomic<std::size_t> feed_loops_running{0};  // every cache's, see feed_loops_in_process()

}  // namespace

void SemanticCache::Shared::append_feed_event(std::vector<Command>& cmds, const std::string& p,
                                              const FeedEvent& event) const {
  const std::string feed = keys.feed(p);
  Command xadd("XADD", feed, "MAXLEN", "~", options.feed_max_length, "*");
  append_fields(xadd, event);
  cmds.push_back(std::move(xadd));
  cmds.emplace_back("PEXPIRE", feed, options.ttl_base.count() + options.ttl_jitter.count());
}

std::optional<index::PartitionKey> SemanticCache::Shared::known_partition(const std::string& p) {
  std::lock_guard lock(mutex);
  auto it = partitions.find(p);
  if (it == partitions.end()) return std::nullopt;
  return it->second->key;
}

void SemanticCache::Shared::apply(const PartitionState& state, const FeedEvent& event) {
  stats.feed_events.fetch_add(1, std::memory_order_relaxed);
  if (event.op == FeedEvent::Op::del) {
    index.remove(state.key, event.id);
    return;
  }
  if (event.op == FeedEvent::Op::clear) {
    index.drop_partition(state.key);
    return;
  }
  if (event.expires_ms <= now_ms()) return;
  // An entry is never rewritten (ids are random, one per insert): an add for an id already
  // indexed is this process's own insert coming back, and re-linking it in the graph would
  // double the cost of every insert.
  if (index.contains(state.key, event.id)) return;
  // A vector of the wrong dimension (another model's writer) is rejected by the index: ignore.
  (void)index.upsert(state.key, event.id, event.vector, from_ms(event.expires_ms), event.terms);
}

void SemanticCache::Shared::sweep_expired() {
  auto now = now_ms();
  auto last = last_sweep_ms.load();
  if (now - last < 1000 || !last_sweep_ms.compare_exchange_strong(last, now)) return;
  index.remove_expired(index::Clock::now());
}

void SemanticCache::Shared::unload_beyond_limit(const std::string& keep) {
  while (partitions.size() > options.max_partitions) {
    auto victim = partitions.end();
    for (auto it = partitions.begin(); it != partitions.end(); ++it) {
      // Only built partitions: one still being rebuilt is in use right now (the limit may be
      // exceeded by the rebuilds in progress, which the callers in flight bound).
      if (it->first == keep || !it->second->ready) continue;
      if (victim == partitions.end() || it->second->last_used < victim->second->last_used) victim = it;
    }
    if (victim == partitions.end()) return;
    // Whoever still works on the state (a rebuild, an insert, the feed loop) sees `unloaded` after
    // its own index write and drops the partition again (drop_if_unloaded).
    victim->second->unloaded.store(true);
    index.drop_partition(victim->second->key);
    partitions.erase(victim);
    stats.unloaded.fetch_add(1, std::memory_order_relaxed);
  }
}

void SemanticCache::Shared::drop_if_unloaded(const PartitionState& state) {
  if (state.unloaded.load()) index.drop_partition(state.key);
}

asio::awaitable<void> SemanticCache::ring_bell(std::shared_ptr<Shared> shared, std::string p) {
  Command xadd("XADD", shared->keys.ring(), "MAXLEN", "~", kRingMaxLength, "*", "p", p);
  auto rung = co_await shared->client.exec(std::move(xadd));
  // A lost bell delays other processes by one resync period at most (see the file comment).
  if (!rung || rung->is_error()) shared->stats.feed_bells_lost.fetch_add(1, std::memory_order_relaxed);
}

void SemanticCache::start_feed_loop(const std::shared_ptr<Shared>& shared) {
  // Caller holds shared->mutex.
  if (shared->ring || shared->stopping.load()) return;
  // From the ring's start: the bells rung before this loop name partitions whose feeds may have
  // news for a rebuild that raced with them; reading up to kRingMaxLength old bells once is cheap.
  shared->ring = std::make_unique<redis::StreamTail>(
      shared->ring_connections, shared->keys.ring(), "0-0",
      redis::StreamTailOptions{.block = shared->options.feed_block, .count = kRingReadCount,
                               .retry_pause = std::chrono::milliseconds(200)});
  asio::co_spawn(shared->client.executor(), feed_loop(shared), asio::detached);
}

asio::awaitable<void> SemanticCache::feed_loop(std::shared_ptr<Shared> shared) {
  const ScopedCount running(shared->running_tails);
  const ScopedCount in_process(feed_loops_running);
  auto& ring = *shared->ring;  // lives as long as `shared`; only stop() touches it elsewhere
  auto last_resync = std::chrono::steady_clock::now();
  while (!shared->stopping.load()) {
    auto reply = co_await ring.read();
    if (shared->stopping.load() || ring.stopped()) break;
    std::vector<std::string> named;
    bool resync = std::chrono::steady_clock::now() - last_resync >= shared->options.feed_resync;
    if (!reply) {
      // Lost connection or a stuck server: read everything (bells may have been lost); the tail
      // pauses before its next read on a fresh connection, so a dead server does not make this spin.
      resync = true;
    } else if (auto batch = parse_ring_reply(*reply, ring.cursor())) {
      named = std::move(batch->partitions);
    }
    std::vector<std::shared_ptr<PartitionState>> due;
    {
      std::lock_guard lock(shared->mutex);
      if (resync) {
        for (const auto& [p, state] : shared->partitions) {
          if (state->ready) due.push_back(state);
        }
      } else {
        for (const auto& p : named) {
          auto it = shared->partitions.find(p);
          if (it != shared->partitions.end() && it->second->ready) due.push_back(it->second);
        }
      }
    }
    if (resync) last_resync = std::chrono::steady_clock::now();
    co_await read_feeds(shared, std::move(due));
    shared->sweep_expired();
  }
}

// Reads the feeds of `due` from where this process left each, one pipeline per round; a feed
// with a full page is read again. The feed loop is the only reader: no two reads of one feed.
asio::awaitable<void> SemanticCache::read_feeds(std::shared_ptr<Shared> shared,
                                                std::vector<std::shared_ptr<PartitionState>> due) {
  while (!due.empty() && !shared->stopping.load()) {
    std::vector<std::string> from;
    std::vector<Command> reads;
    {
      std::lock_guard lock(shared->mutex);
      for (const auto& state : due) from.push_back(state->last_id);
    }
    for (std::size_t i = 0; i < due.size(); ++i) {
      reads.emplace_back("XREAD", "COUNT", kFeedReadCount, "STREAMS", shared->keys.feed(due[i]->p), from[i]);
    }
    auto replies = co_await shared->client.exec_pipeline(std::move(reads));
    if (!replies || replies->size() != due.size()) co_return;  // the next resync reads them again
    std::vector<std::shared_ptr<PartitionState>> again;
    for (std::size_t i = 0; i < due.size(); ++i) {
      auto batch = parse_xread_reply((*replies)[i], from[i]);
      if (!batch) continue;
      shared->stats.feed_malformed.fetch_add(batch->malformed, std::memory_order_relaxed);
      for (const auto& event : batch->events) shared->apply(*due[i], event);
      shared->drop_if_unloaded(*due[i]);
      {
        std::lock_guard lock(shared->mutex);
        due[i]->last_id = batch->last_stream_id;
      }
      if (batch->events.size() + batch->malformed >= static_cast<std::size_t>(kFeedReadCount)) again.push_back(due[i]);
    }
    due = std::move(again);
  }
}

void SemanticCache::close_tails() {
  shared_->stopping.store(true);
  std::lock_guard lock(shared_->mutex);
  if (shared_->ring) shared_->ring->stop();  // fails the pending XREAD: the loop sees `stopping`
}

asio::awaitable<void> SemanticCache::stop(std::chrono::milliseconds grace) {
  close_tails();
  // The close and the failed XREAD complete on the executor: wait for the loop to see them.
  // Otherwise a loop suspended on its XREAD when the io_context stops keeps its connection and
  // the whole index alive for good (LeakSanitizer reports it at exit).
  auto* shared = shared_.get();
  auto ended = [shared] { return shared->running_tails.load() == 0; };  // named: no temporaries in co_await (GCC 12)
  co_await poll_until(ended, grace);
}

std::size_t SemanticCache::running_tails() const { return shared_->running_tails.load(); }

std::size_t SemanticCache::feed_loops_in_process() { return feed_loops_running.load(); }

std::size_t SemanticCache::held_partitions() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->partitions.size();
}

}  // namespace ragcache::semantic
