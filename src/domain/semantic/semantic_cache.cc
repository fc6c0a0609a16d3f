#include "domain/semantic/semantic_cache.h"

#include <cstdlib>
#include <unordered_map>

#include "base/random.h"
#include "domain/semantic/semantic_cache_state.h"
#include "embed/question_terms.h"

namespace ragcache::semantic {

namespace asio = boost::asio;
using redis::Command;
using redis::Reply;

namespace {

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

Result<std::unique_ptr<SemanticCache>> SemanticCache::create(redis::Client& client, embed::Embedder& embedder,
                                                             SemanticCacheOptions options) {
  auto thresholds = index::SimilarityThresholds::create(options.threshold);
  if (!thresholds) return thresholds.error();
  if (options.top_k == 0) return Error(Errc::invalid_argument, "semantic cache: top_k must be > 0");
  if (options.ttl_base.count() <= 0 || options.ttl_jitter.count() < 0) {
    return Error(Errc::invalid_argument, "semantic cache: ttl_base must be > 0 and ttl_jitter >= 0");
  }
  if (options.feed_max_length == 0 || options.feed_block.count() <= 0 || options.feed_resync.count() <= 0) {
    return Error(Errc::invalid_argument, "semantic cache: feed_max_length, feed_block and feed_resync must be > 0");
  }
  if (options.max_partitions == 0) return Error(Errc::invalid_argument, "semantic cache: max_partitions must be > 0");
  if (options.key_prefix.find_first_of("{}") != std::string::npos) {
    return Error(Errc::invalid_argument, "semantic cache: key_prefix must not contain braces");
  }
  return std::unique_ptr<SemanticCache>(
      new SemanticCache(client, embedder, std::move(options), std::move(*thresholds)));
}

SemanticCache::SemanticCache(redis::Client& client, embed::Embedder& embedder, SemanticCacheOptions options,
                             index::SimilarityThresholds thresholds)
    : shared_(std::make_shared<Shared>(client, embedder, std::move(options))), thresholds_(std::move(thresholds)) {}

SemanticCache::~SemanticCache() { close_tails(); }

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

asio::awaitable<Result<std::shared_ptr<SemanticCache::PartitionState>>> SemanticCache::ensure_partition(
    const index::PartitionKey& partition, const std::string& p, const std::string* snapshot) {
  auto shared = shared_;
  auto state = std::make_shared<PartitionState>();
  {
    std::lock_guard lock(shared->mutex);
    if (auto it = shared->partitions.find(p); it != shared->partitions.end()) {
      if (snapshot) co_return Error(Errc::invalid_argument, "semantic cache: partition already in use here");
      it->second->last_used = ++shared->use_clock;
      co_return it->second;
    }
    state->key = partition;
    state->p = p;
    state->last_used = ++shared->use_clock;
    shared->partitions.emplace(p, state);
    shared->unload_beyond_limit(p);
    start_feed_loop(shared);
  }
  auto forget = [&] {
    std::lock_guard lock(shared->mutex);
    if (auto it = shared->partitions.find(p); it != shared->partitions.end() && it->second == state) {
      shared->partitions.erase(it);
    }
  };
  auto& client = shared->client;
  const std::string feed = shared->keys.feed(p);

  // 1. Where the feed is now: the feed loop reads on from there, so every change after the
  //    rebuild is seen (changes during the rebuild may be applied twice; every operation is
  //    idempotent).
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

  // 2. Every live entry of the partition: from a snapshot file, or from Redis (the Hashes are
  //    the truth; the feed is bounded).
  Result<void> filled;
  if (snapshot) {
    auto loaded = shared->index.load_partition(partition, shared->embedder.dimension(), *snapshot);
    if (loaded) {
      shared->stats.rebuilt_entries.fetch_add(*loaded, std::memory_order_relaxed);
      filled = co_await fill_terms(shared, partition, p);
    } else {
      filled = loaded.error();
    }
  } else {
    filled = co_await rebuild(shared, partition, p);
  }
  shared->drop_if_unloaded(*state);
  if (!filled) {
    forget();
    co_return filled.error();
  }

  // 3. Hand the partition to the feed loop, from where the feed was before the rebuild, and ring
  //    for it: changes rung while it was being rebuilt were skipped by the loop.
  {
    std::lock_guard lock(shared->mutex);
    state->last_id = from;
    state->ready = true;
  }
  co_await ring_bell(shared, p);
  co_return state;
}

// Reads the partition's id set page by page (ZSCAN returns every member present for the whole
// scan, whatever changes meanwhile), then each page's vectors and TTLs in one pipeline. Only this
// partition's keys are read; ids whose Hash is gone are pruned from the set.
asio::awaitable<Result<void>> SemanticCache::rebuild(std::shared_ptr<Shared> shared, index::PartitionKey partition,
                                                     std::string p) {
  auto& client = shared->client;
  const std::string ids_key = shared->keys.ids(p);
  std::string cursor = "0";
  do {
    Command zscan("ZSCAN", ids_key, cursor, "COUNT", 1000);
    auto page = co_await client.exec(std::move(zscan));
    if (!page) co_return page.error();
    if (!page->is_array() || page->elements.size() != 2 || !page->elements[1].is_array()) {
      co_return Error(Errc::unavailable, "semantic cache: unexpected ZSCAN reply");
    }
    cursor = page->elements[0].str;
    const auto now = now_ms();
    std::vector<index::EntryId> ids;
    std::vector<Command> reads;
    const auto& members = page->elements[1].elements;
    for (std::size_t i = 0; i + 1 < members.size(); i += 2) {
      auto id = parse_entry_id(members[i].str);
      if (!id || std::strtod(members[i + 1].str.c_str(), nullptr) <= static_cast<double>(now)) continue;
      const std::string key = shared->keys.entry(p, *id);
      ids.push_back(*id);
      reads.emplace_back("HMGET", key, "vector", "question");
      reads.emplace_back("PTTL", key);
    }
    if (ids.empty()) continue;
    auto values = co_await client.exec_pipeline(std::move(reads));
    if (!values) co_return values.error();
    if (values->size() != ids.size() * 2) co_return Error(Errc::internal, "semantic cache: short pipeline reply");
    const auto read_at = now_ms();
    Command prune("ZREM", ids_key);
    bool pruned = false;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto& fields = (*values)[2 * i];
      const auto& ttl = (*values)[2 * i + 1];
      const bool present = fields.is_array() && fields.elements.size() == 2 && fields.elements[0].is_string();
      if (!present || ttl.kind != Reply::Kind::integer || ttl.integer == -2) {
        prune.arg(format_entry_id(ids[i]));
        pruned = true;
        continue;
      }
      auto vector = decode_vector(fields.elements[0].str);
      if (!vector || vector->empty()) continue;
      std::optional<index::Clock::time_point> expires;
      if (ttl.integer >= 0) expires = from_ms(read_at + ttl.integer);
      const auto& question = fields.elements[1];
      const auto terms = question.is_string() ? embed::question_terms(question.str) : std::vector<index::Term>{};
      if (shared->index.upsert(partition, ids[i], *vector, expires, terms)) {
        shared->stats.rebuilt_entries.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (pruned) (void)co_await client.exec(std::move(prune));  // tidying only: a failure changes nothing served
  } while (cursor != "0");
  co_return Result<void>();
}

// A snapshot written before the index kept question terms has none: read the questions of the
// entries without terms from Redis, a page of 1000 per round trip, and index their terms.
asio::awaitable<Result<void>> SemanticCache::fill_terms(std::shared_ptr<Shared> shared, index::PartitionKey partition,
                                                        std::string p) {
  const auto ids = shared->index.ids_without_terms(partition);
  for (std::size_t begin = 0; begin < ids.size(); begin += 1000) {
    const std::size_t end = std::min(ids.size(), begin + 1000);
    std::vector<Command> reads;
    for (std::size_t i = begin; i < end; ++i) reads.emplace_back("HGET", shared->keys.entry(p, ids[i]), "question");
    auto questions = co_await shared->client.exec_pipeline(std::move(reads));
    if (!questions) co_return questions.error();
    if (questions->size() != end - begin) co_return Error(Errc::internal, "semantic cache: short pipeline reply");
    for (std::size_t i = begin; i < end; ++i) {
      const auto& question = (*questions)[i - begin];
      // A missing entry stays as it is: the next lookup that finds it verifies it away.
      if (question.is_string()) shared->index.set_terms(partition, ids[i], embed::question_terms(question.str));
    }
  }
  co_return Result<void>();
}

asio::awaitable<Result<index::EntryId>> SemanticCache::insert(index::PartitionKey partition, std::string question,
                                                              std::string answer, std::string exact_hash,
                                                              std::vector<float> embedding) {
  auto shared = shared_;
  if (exact_hash.find_first_of("{}") != std::string::npos) {
    co_return Error(Errc::invalid_argument, "semantic cache: exact hash must not contain braces");
  }
  if (!embedding.empty() && embedding.size() != shared->embedder.dimension()) {
    co_return Error(Errc::invalid_argument, "semantic cache: embedding has " + std::to_string(embedding.size()) +
                                                " dimensions, the embedder " + std::to_string(shared->embedder.dimension()));
  }
  if (question.empty()) co_return Error(Errc::invalid_argument, "semantic cache: empty question");
  Result<std::vector<float>> vector = std::move(embedding);
  if (vector->empty()) vector = co_await embed_one(question);
  if (!vector) co_return vector.error();
  const std::string p = partition_id(partition);
  auto held = co_await ensure_partition(partition, p);
  if (!held) co_return held.error();
  const auto state = std::move(*held);

  const auto& o = shared->options;
  const index::EntryId id = random_between(1, UINT64_MAX);
  const auto ttl_ms = o.ttl_base.count() + static_cast<std::int64_t>(random_between(0, static_cast<std::uint64_t>(o.ttl_jitter.count())));
  const auto max_ttl_ms = o.ttl_base.count() + o.ttl_jitter.count();
  const auto created = now_ms();
  const std::string key = shared->keys.entry(p, id);

  // 1. The references that find this entry again (other slots than {p}: plain commands, written
  //    first, so a namespace invalidation racing with this insert cannot miss a new partition).
  std::vector<Command> refs;
  const std::string registry = shared->keys.namespace_partitions(partition.name_space);
  refs.emplace_back("HSET", registry, p, partition.tenant);
  refs.emplace_back("PEXPIRE", registry, max_ttl_ms);
  if (!exact_hash.empty()) {
    const std::string by_exact = shared->keys.exact_refs(exact_hash);
    refs.emplace_back("SADD", by_exact, format_entry_ref(p, id));
    refs.emplace_back("PEXPIRE", by_exact, max_ttl_ms);
  }
  auto ref_replies = co_await shared->client.exec_pipeline(std::move(refs));
  if (!ref_replies) co_return ref_replies.error();
  if (auto err = first_error(*ref_replies)) co_return *err;

  // 2. The local index first: had the MULTI gone first, this process's tail could apply the
  //    add event before we do, and the capacity evictions would be lost (a lookup in between
  //    finds the id unverifiable and drops it; the feed's add puts it back).
  auto terms = embed::question_terms(question);
  auto evicted = shared->index.upsert(partition, id, *vector, from_ms(created + ttl_ms), terms);
  shared->drop_if_unloaded(*state);
  if (!evicted) co_return evicted.error();

  // 3. The entry, its id, and the feed event, atomically (one slot).
  FeedEvent event{FeedEvent::Op::add, id, created + ttl_ms, *vector, std::move(terms)};
  Command hset("HSET", key, "question", question, "vector", encode_vector(*vector), "answer", answer, "created", created);
  if (!exact_hash.empty()) hset.arg("exact").arg(exact_hash);
  std::vector<Command> cmds;
  cmds.emplace_back("MULTI");
  cmds.push_back(std::move(hset));
  cmds.emplace_back("PEXPIRE", key, ttl_ms);
  const std::string ids_key = shared->keys.ids(p);
  cmds.emplace_back("ZADD", ids_key, created + ttl_ms, format_entry_id(id));
  cmds.emplace_back("ZREMRANGEBYSCORE", ids_key, "-inf", created);  // the expiry sweep of the id set
  cmds.emplace_back("PEXPIRE", ids_key, max_ttl_ms);
  shared->append_feed_event(cmds, p, event);
  cmds.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
  std::optional<Error> failed;
  if (!replies) failed = replies.error();
  else if (auto err = first_error(*replies)) failed = *err;
  else if (replies->empty() || !replies->back().is_array()) {
    failed = Error(Errc::unavailable, "semantic cache: insert transaction was aborted");
  }
  if (failed) {
    shared->index.remove(partition, id);
    co_return *failed;
  }
  shared->stats.inserts.fetch_add(1, std::memory_order_relaxed);
  co_await ring_bell(shared, p);
  // 4. Capacity: what the index evicted leaves Redis (and the other processes) too, so the id set
  //    stays bounded by the partition's capacity.
  if (!evicted->empty()) {
    auto removed = co_await delete_entries(shared, p, *evicted);
    if (!removed) co_return removed.error();
    shared->stats.evicted.fetch_add(evicted->size(), std::memory_order_relaxed);
  }
  co_return id;
}

asio::awaitable<Result<std::optional<SemanticHit>>> SemanticCache::lookup(index::PartitionKey partition,
                                                                          std::string question,
                                                                          std::optional<float> threshold,
                                                                          std::vector<float>* embedding_out) {
  auto shared = shared_;
  auto min_similarity = thresholds_.resolve(partition.name_space, threshold);
  if (!min_similarity) co_return min_similarity.error();
  auto vector = co_await embed_one(question);
  if (!vector) co_return vector.error();
  if (embedding_out) *embedding_out = *vector;
  const std::string p = partition_id(partition);
  auto held = co_await ensure_partition(partition, p);
  if (!held) co_return held.error();

  const auto terms = embed::question_terms(question);
  index::SearchRequest request;
  request.k = shared->options.top_k;
  const auto& rule = shared->options.rule;
  request.min_similarity = rule ? rule->candidate_floor(*min_similarity) : *min_similarity;
  request.terms = terms;
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
  std::optional<embed::HitRule::Query> query;  // the rule's view of the question, once needed
  std::optional<SemanticHit> best;
  for (std::size_t i = 0; i < matches->size(); ++i) {
    const auto& m = (*matches)[i];
    const auto& r = (*replies)[i];
    if (r.is_error()) co_return Error(Errc::unavailable, "redis: " + r.str);
    if (!r.is_array() || r.elements.size() != 2 || !r.elements[0].is_string()) {
      shared->index.remove(partition, m.id);  // gone from Redis (expired or deleted): stale here
      shared->stats.stale_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    SemanticHit hit{r.elements[0].str, m.similarity, m.id, r.elements[1].is_string() ? r.elements[1].str : ""};
    if (rule) {
      if (!query) query = rule->prepare(question);
      const auto score = rule->score(*query, hit.question, m.similarity);
      if (!score || *score < *min_similarity) continue;
      hit.similarity = *score;
    }
    if (!best || hit.similarity > best->similarity) best = std::move(hit);
  }
  if (!best) {
    shared->stats.misses.fetch_add(1, std::memory_order_relaxed);
    co_return std::optional<SemanticHit>();
  }
  shared->index.touch(partition, best->id);
  shared->stats.hits.fetch_add(1, std::memory_order_relaxed);
  co_return best;
}

asio::awaitable<Result<std::size_t>> SemanticCache::delete_entries(std::shared_ptr<Shared> shared, std::string p,
                                                                   std::vector<index::EntryId> ids) {
  if (ids.empty()) co_return std::size_t{0};
  std::vector<Command> cmds;
  cmds.emplace_back("MULTI");
  Command zrem("ZREM", shared->keys.ids(p));
  for (auto id : ids) {
    cmds.emplace_back("DEL", shared->keys.entry(p, id));
    zrem.arg(format_entry_id(id));
  }
  cmds.push_back(std::move(zrem));
  for (auto id : ids) shared->append_feed_event(cmds, p, FeedEvent{FeedEvent::Op::del, id, 0, {}, {}});
  cmds.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (auto err = first_error(*replies)) co_return *err;
  const auto& exec = replies->back();
  if (!exec.is_array() || exec.elements.size() < ids.size()) {
    co_return Error(Errc::unavailable, "semantic cache: delete transaction was aborted");
  }
  std::size_t deleted = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (exec.elements[i].kind == Reply::Kind::integer && exec.elements[i].integer > 0) ++deleted;
  }
  if (auto key = shared->known_partition(p)) {
    for (auto id : ids) shared->index.remove(*key, id);
  }
  co_await ring_bell(shared, p);
  co_return deleted;
}

asio::awaitable<Result<bool>> SemanticCache::invalidate(index::PartitionKey partition, index::EntryId id) {
  std::vector<index::EntryId> ids{id};
  auto removed = co_await delete_entries(shared_, partition_id(partition), std::move(ids));
  if (!removed) co_return removed.error();
  shared_->index.remove(partition, id);
  co_return *removed > 0;
}

asio::awaitable<Result<std::size_t>> SemanticCache::invalidate_exact(std::string exact_hash) {
  auto shared = shared_;
  if (exact_hash.empty() || exact_hash.find_first_of("{}") != std::string::npos) {
    co_return Error(Errc::invalid_argument, "semantic cache: bad exact hash");
  }
  const std::string by_exact = shared->keys.exact_refs(exact_hash);
  // Read and delete in one transaction: a reference added between a separate read and delete
  // would be dropped with the set while its entry stayed (until its TTL) out of reach.
  std::vector<Command> take;
  take.emplace_back("MULTI");
  take.emplace_back("SMEMBERS", by_exact);
  take.emplace_back("DEL", by_exact);
  take.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(take));
  if (!replies) co_return replies.error();
  if (auto err = first_error(*replies)) co_return *err;
  if (replies->size() != 4 || !replies->back().is_array() || replies->back().elements.size() != 2) {
    co_return Error(Errc::unavailable, "semantic cache: invalidation transaction was aborted");
  }
  const auto& members = replies->back().elements.front();
  // Usually one entry; several when the same request was stored again (Cache-Control: no-cache).
  std::unordered_map<std::string, std::vector<index::EntryId>> by_partition;
  if (members.is_array()) {
    for (const auto& member : members.elements) {
      if (auto ref = parse_entry_ref(member.str)) by_partition[ref->first].push_back(ref->second);
    }
  }
  std::size_t deleted = 0;
  for (auto& [p, ids] : by_partition) {  // each partition is its own slot: one transaction each
    auto removed = co_await delete_entries(shared, p, std::move(ids));
    if (!removed) co_return removed.error();
    deleted += *removed;
  }
  co_return deleted;
}

asio::awaitable<Result<std::size_t>> SemanticCache::invalidate_namespace(std::string name_space,
                                                                        std::optional<std::string> tenant) {
  auto shared = shared_;
  Command list("HGETALL", shared->keys.namespace_partitions(name_space));
  auto registry = co_await shared->client.exec(std::move(list));
  if (!registry) co_return registry.error();
  if (registry->is_error()) co_return Error(Errc::unavailable, "redis: " + registry->str);
  std::size_t deleted = 0;
  // The registry keeps cleared partitions (they expire with it): deleting a field here could
  // drop one that a concurrent insert has just registered again.
  for (std::size_t i = 0; i + 1 < registry->elements.size(); i += 2) {
    if (tenant && registry->elements[i + 1].str != *tenant) continue;
    auto cleared = co_await clear_partition(shared, registry->elements[i].str);
    if (!cleared) co_return cleared.error();
    deleted += *cleared;
  }
  co_return deleted;
}

// Deletes the partition's entries in pages of its id set, then the set itself and tells every
// process to drop the partition (op=clear). An entry inserted meanwhile may survive in Redis
// without an id (it expires by its TTL); no index holds it after the clear event.
asio::awaitable<Result<std::size_t>> SemanticCache::clear_partition(std::shared_ptr<Shared> shared, std::string p) {
  const std::string ids_key = shared->keys.ids(p);
  std::size_t deleted = 0;
  for (;;) {
    Command page("ZRANGE", ids_key, 0, 999);
    auto members = co_await shared->client.exec(std::move(page));
    if (!members) co_return members.error();
    if (!members->is_array() || members->elements.empty()) break;
    std::vector<Command> cmds;
    cmds.emplace_back("MULTI");
    Command zrem("ZREM", ids_key);
    for (const auto& m : members->elements) {
      zrem.arg(m.str);
      if (auto id = parse_entry_id(m.str)) cmds.emplace_back("DEL", shared->keys.entry(p, *id));
    }
    const std::size_t dels = cmds.size() - 1;
    cmds.push_back(std::move(zrem));
    cmds.emplace_back("EXEC");
    auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
    if (!replies) co_return replies.error();
    if (auto err = first_error(*replies)) co_return *err;
    const auto& exec = replies->back();
    if (!exec.is_array() || exec.elements.size() != dels + 1) {
      co_return Error(Errc::unavailable, "semantic cache: clear transaction was aborted");
    }
    for (std::size_t i = 0; i < dels; ++i) deleted += static_cast<std::size_t>(exec.elements[i].integer);
  }
  std::vector<Command> cmds;
  cmds.emplace_back("MULTI");
  cmds.emplace_back("DEL", ids_key);
  shared->append_feed_event(cmds, p, FeedEvent{FeedEvent::Op::clear, 0, 0, {}, {}});
  cmds.emplace_back("EXEC");
  auto replies = co_await shared->client.exec_pipeline(std::move(cmds));
  if (!replies) co_return replies.error();
  if (auto err = first_error(*replies)) co_return *err;
  if (auto key = shared->known_partition(p)) shared->index.drop_partition(*key);
  co_await ring_bell(shared, p);
  co_return deleted;
}

Result<void> SemanticCache::save_index(const index::PartitionKey& partition, const std::string& path) const {
  return shared_->index.save_partition(partition, path);
}

asio::awaitable<Result<std::size_t>> SemanticCache::load_index(index::PartitionKey partition, std::string path) {
  const std::string p = partition_id(partition);
  const auto before = shared_->stats.rebuilt_entries.load();
  auto held = co_await ensure_partition(partition, p, &path);
  if (!held) co_return held.error();
  co_return static_cast<std::size_t>(shared_->stats.rebuilt_entries.load() - before);
}

}  // namespace ragcache::semantic
