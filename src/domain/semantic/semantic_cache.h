// SemanticCache: the semantic answer cache. A question that is a near-duplicate (cosine >=
// threshold under the configured embedder) of a cached question in the SAME partition reuses its
// answer. Partitions (index/partition.h: tenant, model, system-prompt fingerprint, namespace)
// never see each other's entries.
//
// Redis is the source of truth; each process's in-memory index (index::IndexManager) is a
// derived view:
//   insert  = embed; register the partition under its namespace (rag:semns) and, when the answer
//             came from an exact-cache entry, the entry under that exact hash (rag:semref); then
//             one MULTI: HSET rag:sem:{p}:<id> (question, vector, answer, created, exact)
//             + PEXPIRE (base + jitter) + ZADD rag:semids:{p} + XADD rag:semlog:{p}
//             {op:add,...} MAXLEN ~ + PEXPIRE; then the local index. Entries the index evicts
//             for capacity are deleted in Redis too.
//   lookup  = embed, top-k in the local index above the threshold, then VERIFY the candidates in
//             Redis (one pipelined HMGET): a missing/expired entry is dropped from the index and
//             the next candidate is served. Nothing is served that Redis no longer holds.
//             The index is given the question's terms (embed/question_terms.h) with every entry
//             and every query, so near-repeats are found even where the HNSW graph misses them
//             (index/term_postings.h); the feed's add events carry them, a rebuild recomputes
//             them from the stored question.
//   invalidate = DEL + ZREM + XADD {op:del}; by exact hash: the entries its rag:semref names;
//             by namespace: every partition its rag:semns names, emptied, then XADD {op:clear}.
//   feed    = the first use of a partition in this process rebuilds its index from Redis (ZSCAN
//             of its id set + HGET/PTTL: only that partition's keys are read), or loads a
//             snapshot (load_index); from then on the process's one feed loop reads the
//             partition's feed whenever the doorbell (rag:semring) names it, so other
//             processes' inserts/deletes reach this index within milliseconds, over one
//             dedicated connection for all partitions (semantic_feed.cc). At most
//             max_partitions are held; the least recently used is unloaded.
//             Concurrent first uses of one partition do not wait for the rebuild (they may
//             miss until it is done; a miss is always safe).
//
// Thread safety: every method may be called from any thread, concurrently. The feed loop runs on
// the client's executor.
// Lifetime: the Client and the Embedder must outlive the SemanticCache and its feed loop: call
// stop() before destroying the Client (serve does). Destroying the cache alone closes the feed
// connection and the loop ends on its own (it holds only shared state, never `this`), but a feed
// read it has in flight on the Client completes after that, on the executor
// (feed_loops_in_process() tells when all have ended). Calls in flight must have completed
// before destruction.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/error.h"
#include "domain/semantic/semantic_keys.h"
#include "embed/embedder.h"
#include "embed/hashed_ngram_embedder.h"
#include "embed/hit_rule.h"
#include "index/index_manager.h"
#include "index/partition.h"
#include "index/similarity_threshold.h"
#include "redis/client.h"

namespace ragcache::semantic {

struct SemanticCacheOptions {
  // Cosine a match must reach; default: the built-in embedder's tuned value. Per-namespace
  // overrides via SemanticCache::thresholds(), per-call via lookup().
  float threshold = embed::kHashedNgramDefaultThreshold;
  std::size_t top_k = 4;  // candidates verified in Redis per lookup
  std::chrono::milliseconds ttl_base{std::chrono::hours(24)};
  std::chrono::milliseconds ttl_jitter{std::chrono::hours(1)};
  std::size_t feed_max_length = 10'000;  // XADD MAXLEN ~
  std::chrono::milliseconds feed_block{1000};  // XREAD BLOCK of the feed loop (on the doorbell)
  // Every held partition's feed is read at least this often, whatever the doorbell said.
  std::chrono::milliseconds feed_resync{5000};
  // Partitions held in memory; beyond it the least recently used is unloaded (and rebuilt from
  // Redis when used again), so memory does not grow with the number of models/tenants/namespaces.
  std::size_t max_partitions = 64;
  std::string key_prefix;  // prepended to every key (tests); must not contain '{' or '}'
  index::IndexManagerOptions index;
  // Decides hits from more than the vectors' cosine (embed/hit_rule.h): the index is searched
  // down to rule->candidate_floor(threshold), every candidate Redis still holds is scored by the
  // rule from both questions' texts, and the best score at or above the threshold is served.
  // Null: the cosine alone decides.
  std::shared_ptr<const embed::HitRule> rule;
};

struct SemanticHit {
  std::string answer;        // the bytes given to insert(), unchanged
  float similarity = 0.0f;   // cosine between the two questions' vectors, or the rule's score
  index::EntryId id = 0;     // for invalidate()
  std::string question;      // the cached question that matched
};

struct SemanticCacheStats {
  std::atomic<std::uint64_t> hits{0}, misses{0}, inserts{0}, stale_dropped{0}, feed_events{0},
      feed_malformed{0}, rebuilt_entries{0}, evicted{0}, unloaded{0}, feed_bells_lost{0};
};

class SemanticCache {
 public:
  // invalid_argument for a bad threshold, top_k 0, a negative TTL, or a prefix with braces.
  static Result<std::unique_ptr<SemanticCache>> create(redis::Client& client, embed::Embedder& embedder,
                                                       SemanticCacheOptions options = {});
  ~SemanticCache();
  SemanticCache(const SemanticCache&) = delete;
  SemanticCache& operator=(const SemanticCache&) = delete;

  // Stores `answer` for `question` in `partition`; returns the new entry's id. `exact_hash`: the
  // exact-cache hash of the request the answer was made for (empty: none), so that
  // invalidate_exact() of that key removes this entry too.
  // `embedding`: the question's vector when the caller already has it (the lookup that missed
  // returned it), so a miss embeds once; empty = embed here.
  // Errors: invalid_argument (empty question, braces in exact_hash, an embedding of the wrong
  // dimension), the embedder's, Redis errors.
  boost::asio::awaitable<Result<index::EntryId>> insert(index::PartitionKey partition, std::string question,
                                                        std::string answer, std::string exact_hash = {},
                                                        std::vector<float> embedding = {});

  // The best verified entry at or above the threshold (per-call override, else the namespace's,
  // else the default), or nullopt. `embedding_out` (optional) receives the question's vector,
  // for an insert of the same question after a miss. Errors: invalid_argument (threshold outside
  // [-1,1], empty question), the embedder's, Redis errors.
  boost::asio::awaitable<Result<std::optional<SemanticHit>>> lookup(index::PartitionKey partition,
                                                                    std::string question,
                                                                    std::optional<float> threshold = std::nullopt,
                                                                    std::vector<float>* embedding_out = nullptr);

  // Deletes one entry everywhere (Redis + every process's index via the feed). True if it existed.
  boost::asio::awaitable<Result<bool>> invalidate(index::PartitionKey partition, index::EntryId id);

  // Deletes every entry stored with this exact hash (see insert), everywhere; returns how many.
  // invalid_argument for an empty hash or one with braces.
  boost::asio::awaitable<Result<std::size_t>> invalidate_exact(std::string exact_hash);

  // Deletes every entry of every partition of `name_space` (of one tenant only, if given),
  // everywhere; returns how many entries went.
  boost::asio::awaitable<Result<std::size_t>> invalidate_namespace(std::string name_space,
                                                                   std::optional<std::string> tenant = std::nullopt);

  // Snapshot of one partition's index (index::VectorIndex::save), and the warm start from one:
  // load_index() must come before any other use of that partition in this process (else
  // invalid_argument); it indexes the snapshot instead of rebuilding from Redis and then tails
  // the feed. Entries written after the snapshot was taken are not indexed (until re-inserted);
  // deleted ones are verified away at lookup. A snapshot without question terms (written before
  // the index kept them) gets them from the stored questions. For benchmarks and fast restarts.
  Result<void> save_index(const index::PartitionKey& partition, const std::string& path) const;
  boost::asio::awaitable<Result<std::size_t>> load_index(index::PartitionKey partition, std::string path);

  // Shutdown: closes the feed connection and waits (up to `grace`) until the loop has ended, so
  // nothing of this cache stays suspended on the executor. Only destruction may follow.
  boost::asio::awaitable<void> stop(std::chrono::milliseconds grace);
  // Feed loops running: one from the first use of any partition until stop/destruction.
  std::size_t running_tails() const;
  // Feed loops of every SemanticCache of this process not yet ended, those of destroyed caches
  // included: what must reach 0 before their Clients may go.
  static std::size_t feed_loops_in_process();
  // Partitions this process holds in memory (at most options.max_partitions).
  std::size_t held_partitions() const;

  // Per-namespace thresholds: configure before serving traffic (not synchronised).
  index::SimilarityThresholds& thresholds() { return thresholds_; }
  const SemanticKeys& keys() const;
  const SemanticCacheStats& stats() const;
  // Entries in this process's index (all partitions).
  std::size_t indexed_entries() const;

 private:
  struct Shared;
  struct PartitionState;
  SemanticCache(redis::Client& client, embed::Embedder& embedder, SemanticCacheOptions options,
                index::SimilarityThresholds thresholds);
  boost::asio::awaitable<Result<std::vector<float>>> embed_one(const std::string& question);
  void close_tails();
  // Rebuilds (or loads `snapshot`) the first time `partition` is used here (or after it was
  // unloaded), starting the feed loop if it is not running; returns the partition's state.
  boost::asio::awaitable<Result<std::shared_ptr<PartitionState>>> ensure_partition(
      const index::PartitionKey& partition, const std::string& p, const std::string* snapshot = nullptr);
  static boost::asio::awaitable<Result<void>> rebuild(std::shared_ptr<Shared> shared, index::PartitionKey partition,
                                                      std::string p);
  static boost::asio::awaitable<Result<void>> fill_terms(std::shared_ptr<Shared> shared, index::PartitionKey partition,
                                                         std::string p);
  static boost::asio::awaitable<Result<std::size_t>> delete_entries(std::shared_ptr<Shared> shared, std::string p,
                                                                    std::vector<index::EntryId> ids);
  static boost::asio::awaitable<Result<std::size_t>> clear_partition(std::shared_ptr<Shared> shared, std::string p);

  // The feed (semantic_feed.cc).
  static void start_feed_loop(const std::shared_ptr<Shared>& shared);
  static boost::asio::awaitable<void> feed_loop(std::shared_ptr<Shared> shared);
  static boost::asio::awaitable<void> read_feeds(std::shared_ptr<Shared> shared,
                                                 std::vector<std::shared_ptr<PartitionState>> due);
  static boost::asio::awaitable<void> ring_bell(std::shared_ptr<Shared> shared, std::string p);

  std::shared_ptr<Shared> shared_;
  index::SimilarityThresholds thresholds_;
};

}  // namespace ragcache::semantic
