#include "domain/semantic/semantic_cache.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <unordered_map>

#include "base/random.h"
#include "domain/semantic/feed_event.h"

namespace ragcache::semantic {

namespace asio = boost::asio;
using redis::Command;
using redis::Reply;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(index::Clock::now().time_since_epoch()).count();
}

index::Clock::time_point from_ms(std::int64_t ms) {
  return index::Clock::time_point(std::chrono::duration_cast<index::Clock::duration>(std::chrono::milliseconds(ms)));
}

// First error reply of a pipeline (MULTI/EXEC included), as an Error.
std::optional<Error> first_error(const std::vector<Reply>& replies) {
  for (const auto& r : replies) {
    if (r.is_error()) return Error(Errc::unavailable, "redis: " + r.str);
    if (r.is_array()) {
      for (const auto& e : r.elements) {
        if (e.is_error()) return Error(Errc::unavailable, "redis: " + e.str);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

struct SemanticCache::PartitionState {
  index::PartitionKey key;
  std::string p;
  std::unique_ptr<redis::DedicatedConnection> conn;  // set (under Shared::mutex) before the tail starts
};

struct SemanticCache::Shared {
  Shared(redis::Client& c, embed::Embedder& e, SemanticCacheOptions o)
      : client(c), embedder(e), options(std::move(o)), keys(options.key_prefix), index(options.index) {}
  redis::Client& client;
  embed::Embedder& embedder;
  SemanticCacheOptions options;
  SemanticKeys keys;
  index::IndexManager index;
  SemanticCacheStats stats;
  std::atomic<bool> stopping{false};
  std::atomic<std::int64_t> last_sweep_ms{0};
  std::mutex mutex;  // guards partitions
  std::unordered_map<std::string, std::shared_ptr<PartitionState>> partitions;  // by partition id

  void apply(const PartitionState& state, const FeedEvent& event) {
    stats.feed_events.fetch_add(1, std::memory_order_relaxed);
    if (event.op == FeedEvent::Op::del) {
      index.remove(state.key, event.id);
      return;
    }
    if (event.expires_ms <= now_ms()) return;
    // A vector of the wrong dimension (another model's writer) is rejected by the index: ignore.
    (void)index.upsert(state.key, event.id, event.vector, from_ms(event.expires_ms));
  }

  void sweep_expired() {
    auto now = now_ms();
    auto last = last_sweep_ms.load();
    if (now - last < 1000 || !last_sweep_ms.compare_exchange_strong(last, now)) return;
    index.remove_expired(index::Clock::now());
  }
};

// One partition's change-feed tail: XREAD BLOCK from `last_id` on the partition's dedicated
// connection until the cache is destroyed (which closes that connection). Holds only shared
// state: never the SemanticCache itself; the Client is not touched after `stopping`.
asio::awaitable<void> SemanticCache::tail_loop(std::shared_ptr<Shared> shared, std::shared_ptr<PartitionState> state,
                                               std::string last_id) {
  const auto block = shared->options.feed_block;
  const std::string feed = shared->keys.feed(state->p);
  while (!shared->stopping.load()) {
    Command xread("XREAD", "COUNT", 512, "BLOCK", static_cast<std::int64_t>(block.count()), "STREAMS", feed, last_id);
    redis::Connection::Timeout timeout = block + std::chrono::milliseconds(2000);
    auto reply = co_await (*state->conn)->exec(std::move(xread), timeout);
    if (shared->stopping.load()) break;
    if (!reply) {
      // Lost connection or a stuck server: the connection reconnects by itself; pause a little
      // so a dead server does not make this spin. Lookups still verify in Redis meanwhile.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    auto batch = parse_xread_reply(*reply, last_id);
    if (batch) {
      last_id = batch->last_stream_id;
      shared->stats.feed_malformed.fetch_add(batch->malformed, std::memory_order_relaxed);
      for (const auto& event : batch->events) shared->apply(*state, event);
    }
    shared->sweep_expired();
  }
}

Result<std::unique_ptr<SemanticCache>> SemanticCache::create(redis::Client& client, embed::Embedder& embedder,
                                                             SemanticCacheOptions options) {
  auto thresholds = index::SimilarityThresholds::create(options.threshold);
  if (!thresholds) return thresholds.error();
  if (options.top_k == 0) return Error(Errc::invalid_argument, "semantic cache: top_k must be > 0");
  if (options.ttl_base.count() <= 0 || options.ttl_jitter.count() < 0) {
    return Error(Errc::invalid_argument, "semantic cache: ttl_base must be > 0 and ttl_jitter >= 0");
  }
  if (options.feed_max_length == 0 || options.feed_block.count() <= 0) {
    return Error(Errc::invalid_argument, "semantic cache: feed_max_length and feed_block must be > 0");
  }
  if (options.key_prefix.find_first_of("{}") != std::string::npos) {
    return Error(Errc::invalid_argument, "semantic cache: key_prefix must not contain braces");
  }
  return std::unique_ptr<SemanticCache>(
      new SemanticCache(client, embedder, std::move(options), std::move(*thresholds)));
}

SemanticCache::SemanticCache(redis::Client& client, embed::Embedder& embedder, SemanticCacheOptions options,
                             index::SimilarityThresholds thresholds)
    : shared_(std::make_shared<Shared>(client, embedder, std::move(options))), thresholds_(std::move(thresholds)) {}

SemanticCache::~SemanticCache() {
  shared_->stopping.store(true);
  std::lock_guard lock(shared_->mutex);
  for (auto& [p, state] : shared_->partitions) {
    if (state->conn) (*state->conn)->close();  // fails the pending XREAD: the loop sees `stopping`
  }
}

const SemanticKeys& SemanticCache::keys() const { return shared_->keys; }
const SemanticCacheStats& SemanticCache::stats() const { return shared_->stats; }
std::size_t SemanticCache::indexed_entries() const { return shared_->index.size(); }

asio::awaitable<Result<std::vector<float>>> SemanticCache::embed_one(const std::string& question) {
  if (question.empty()) co_return Error(Errc::invalid_argument, "semantic cache: empty question");
  std::vector<std::string> texts{question};
  auto vectors = co_await shared_->embedder.embed(texts);
  if (!vectors) co_return vectors.error();
  if (vectors->size() != 1 || (*vectors)[0].size() != shared_->embedder.dimension()) {
    co_return Error(Errc::internal, "semantic cache: embedder returned a vector of the wrong shape");
  }
  co_return std::move((*vectors)[0]);
}

asio::awaitable<Result<void>> SemanticCache::ensure_partition(const index::PartitionKey& partition,
                                                              const std::string& p) {
  auto shared = shared_;
  auto state = std::make_shared<PartitionState>();
  {
    std::lock_guard lock(shared->mutex);
    if (shared->partitions.count(p)) co_return Result<void>();
    state->key = partition;
    state->p = p;
    shared->partitions.emplace(p, state);
  }
  auto forget = [&] {
    std::lock_guard lock(shared->mutex);
    shared->partitions.erase(p);
  };
  auto& client = shared->client;
  const std::string feed = shared->keys.feed(p);

  // 1. Where the feed is now: the tail starts there, so every change after the scan is seen
  //    (changes during the scan may be applied twice; both operations are idempotent).
  Command last("XREVRANGE", feed, "+", "-", "COUNT", 1);
  auto last_reply = co_await client.exec(std::move(last));
  if (!last_reply) {
    forget();
    co_return last_reply.error();
  }
  std::string from = "0-0";
  if (last_reply->is_array() && !last_reply->elements.empty() && last_reply->elements[0].is_array() &&
      !last_reply->elements[0].elements.empty() && last_reply->elements[0].elements[0].is_string()) {
    from = last_reply->elements[0].elements[0].str;
  }

  // 2. Every live entry of the partition (the Hashes are the truth; the feed is bounded).
  const std::string pattern = shared->keys.entry_pattern(p);
  std::string cursor = "0";
  do {
    Command scan("SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
    scan.route_by(feed);  // same hash tag: the node holding the partition
    auto page = co_await client.exec(std::move(scan));
    if (!page || !page->is_array() || page->elements.size() != 2 || !page->elements[1].is_array()) {
      forget();
      if (!page) co_return page.error();
      co_return Error(Errc::unavailable, "semantic cache: unexpected SCAN reply");
    }
    cursor = page->elements[0].str;
    std::vector<index::EntryId> ids;
    std::vector<Command> reads;
    for (const auto& key : page->elements[1].elements) {
      auto id = shared->keys.id_of_entry_key(p, key.str);
      if (!id) continue;
      ids.push_back(*id);
      reads.emplace_back("HGET", key.str, "vector");
      reads.emplace_back("PTTL", key.str);
    }
    if (ids.empty()) continue;
    auto values = co_await client.exec_pipeline(std::move(reads));
    if (!values || values->size() != ids.size() * 2) {
      forget();
      if (!values) co_return values.error();
      co_return Error(Errc::internal, "semantic cache: short pipeline reply");
    }
    const auto now = now_ms();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto& vec = (*values)[2 * i];
      const auto& ttl = (*values)[2 * i + 1];
      if (!vec.is_string() || ttl.kind != Reply::Kind::integer || ttl.integer == -2) continue;
      auto vector = decode_vector(vec.str);
      if (!vector || vector->empty()) continue;
      std::optional<index::Clock::time_point> expires;
      if (ttl.integer >= 0) expires = from_ms(now + ttl.integer);
      if (shared->index.upsert(partition, ids[i], *vector, expires)) {
        shared->stats.rebuilt_entries.fetch_add(1, std::memory_order_relaxed);
      }
    }
  } while (cursor != "0");

  // 3. Tail the feed from where it was before the scan.
  {
    std::lock_guard lock(shared->mutex);
    if (shared->stopping.load()) co_return Result<void>();
    state->conn = client.dedicated(feed);
  }
  asio::co_spawn(client.executor(), tail_loop(shared, state, from), asio::detached);
  co_return Result<void>();
}

asio::awaitable<Result<index::EntryId>> SemanticCache::insert(index::PartitionKey partition, std::string question,
                                                              std::string answer) {
  auto shared = shared_;
  auto vector = co_await embed_one(question);
  if (!vector) co_return vector.error();
  const std::string p = partition_id(partition);
  auto ready = co_await ensure_partition(partition, p);
  if (!ready) co_return ready.error();

  const auto& o = shared->options;
  const index::EntryId id = random_between(1, UINT64_MAX);
  const auto ttl_ms = o.ttl_base.count() + static_cast<std::int64_t>(random_between(0, static_cast<std::uint64_t>(o.ttl_jitter.count())));
  const auto created = now_ms();
  const std::string key = shared->keys.entry(p, id);
  const std::string feed = shared->keys.feed(p);

  FeedEvent event{FeedEvent::Op::add, id, created + ttl_ms, *vector};
  Command xadd("XADD", feed, "MAXLEN", "~", o.feed_max_length, "*");
  append_fields(xadd, event);
  std::vector<Command> cmds;
  cmds.emplace_back("MULTI");
  cmds.emplace_back("HSET", key, "question", question, "vector", encode_vector(*vector), "answer", answer,
                    "created", created);
  cmds.emplace_back("PEXPIRE", key, ttl_ms);
  cmds.push_back(std::move(xadd));
  cmds.emplace_back("PEXPIRE", feed, o.ttl_base.count() + o.ttl_jitter.count());
  cmds.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (auto err = first_error(*replies)) co_return *err;
  if (replies->empty() || !replies->back().is_array()) {
    co_return Error(Errc::unavailable, "semantic cache: insert transaction was aborted");
  }
  auto added = shared->index.upsert(partition, id, *vector, from_ms(created + ttl_ms));
  if (!added) co_return added.error();
  shared->stats.inserts.fetch_add(1, std::memory_order_relaxed);
  co_return id;
}

asio::awaitable<Result<std::optional<SemanticHit>>> SemanticCache::lookup(index::PartitionKey partition,
                                                                          std::string question,
                                                                          std::optional<float> threshold) {
  auto shared = shared_;
  auto min_similarity = thresholds_.resolve(partition.name_space, threshold);
  if (!min_similarity) co_return min_similarity.error();
  auto vector = co_await embed_one(question);
  if (!vector) co_return vector.error();
  const std::string p = partition_id(partition);
  auto ready = co_await ensure_partition(partition, p);
  if (!ready) co_return ready.error();

  index::SearchRequest request;
  request.k = shared->options.top_k;
  request.min_similarity = *min_similarity;
  auto matches = shared->index.search(partition, *vector, request);
  if (!matches) co_return matches.error();
  if (matches->empty()) {
    shared->stats.misses.fetch_add(1, std::memory_order_relaxed);
    co_return std::optional<SemanticHit>();
  }

  // Verify every candidate in one round trip; serve the best one Redis still holds.
  std::vector<Command> reads;
  for (const auto& m : *matches) reads.emplace_back("HMGET", shared->keys.entry(p, m.id), "answer", "question");
  auto replies = co_await shared->client.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  if (replies->size() != matches->size()) co_return Error(Errc::internal, "semantic cache: short pipeline reply");
  for (std::size_t i = 0; i < matches->size(); ++i) {
    const auto& m = (*matches)[i];
    const auto& r = (*replies)[i];
    if (r.is_error()) co_return Error(Errc::unavailable, "redis: " + r.str);
    if (!r.is_array() || r.elements.size() != 2 || !r.elements[0].is_string()) {
      shared->index.remove(partition, m.id);  // gone from Redis (expired or deleted): stale here
      shared->stats.stale_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    shared->index.touch(partition, m.id);
    shared->stats.hits.fetch_add(1, std::memory_order_relaxed);
    SemanticHit hit{r.elements[0].str, m.similarity, m.id, r.elements[1].is_string() ? r.elements[1].str : ""};
    co_return std::optional<SemanticHit>(std::move(hit));
  }
  shared->stats.misses.fetch_add(1, std::memory_order_relaxed);
  co_return std::optional<SemanticHit>();
}

asio::awaitable<Result<bool>> SemanticCache::invalidate(index::PartitionKey partition, index::EntryId id) {
  auto shared = shared_;
  const std::string p = partition_id(partition);
  const std::string feed = shared->keys.feed(p);
  FeedEvent event{FeedEvent::Op::del, id, 0, {}};
  Command xadd("XADD", feed, "MAXLEN", "~", shared->options.feed_max_length, "*");
  append_fields(xadd, event);
  std::vector<Command> cmds;
  cmds.emplace_back("MULTI");
  cmds.emplace_back("DEL", shared->keys.entry(p, id));
  cmds.push_back(std::move(xadd));
  cmds.emplace_back("PEXPIRE", feed, shared->options.ttl_base.count() + shared->options.ttl_jitter.count());
  cmds.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (auto err = first_error(*replies)) co_return *err;
  const auto& exec = replies->back();
  if (!exec.is_array() || exec.elements.empty()) {
    co_return Error(Errc::unavailable, "semantic cache: invalidate transaction was aborted");
  }
  shared->index.remove(partition, id);
  co_return exec.elements[0].kind == Reply::Kind::integer && exec.elements[0].integer > 0;
}

}  // namespace ragcache::semantic
