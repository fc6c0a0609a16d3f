// The semantic cache against a real redis-server, with the built-in embedder: paraphrase hit,
// unrelated and hard-negative misses, tenant isolation, expiry, invalidation, two instances
// (= two processes) seeing each other through the change feed, and a fresh instance rebuilding
// its index from Redis.
#include "domain/semantic/semantic_cache.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <random>

#include "base/random.h"
#include "domain/semantic/feed_event.h"
#include "domain/semantic/semantic_itest_support.h"
#include "index/index_test_support.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/scaled_client_options.h"

namespace ragcache::semantic {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

const index::PartitionKey kTenantA{"tenant-a", "gpt-test", "sysfp", ""};
const index::PartitionKey kTenantB{"tenant-b", "gpt-test", "sysfp", ""};

class SemanticCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->running()) server_->start();
    prefix_ = std::string("t").append(random_token().substr(0, 10)).append(":");
    embedder_ = std::move(*embed::HashedNgramEmbedder::create());
  }
  // The caches (destroyed at the end of the test body) closed their tail connections; let the
  // tail loops observe that and end, as they would on a running server's io_context. Only then
  // go the clients: a loop may still have a read in flight on one (itest::TestClients).
  void TearDown() override { clients_.close_after_feed_loops(io_); }

  // Owned by the fixture, so it outlives the caches' feed loops.
  redis::Client* make_client() {
    redis::ClientOptions options;
    options.url = server_->url();
    auto client = redis::Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
    EXPECT_TRUE(client.has_value());
    return clients_.keep(std::move(*client));
  }

  SemanticCacheOptions options() { return itest::test_options(prefix_); }
  std::unique_ptr<SemanticCache> make_cache(redis::Client& client, SemanticCacheOptions o) {
    return itest::make_test_cache(client, *embedder_, std::move(o));
  }

  // Polls `cache` until `question` hits (or 5 s, scaled, pass): for effects that travel through
  // the feed.
  static asio::awaitable<std::optional<SemanticHit>> eventually_hit(SemanticCache& cache, index::PartitionKey p,
                                                                   std::string question) {
    const auto give_up = std::chrono::steady_clock::now() + testing::scaled(5s);
    while (std::chrono::steady_clock::now() < give_up) {
      auto hit = co_await cache.lookup(p, question);
      if (hit && *hit) co_return **hit;
      co_await sleep_for(10ms);
    }
    co_return std::nullopt;
  }

  static testing::RedisServer* server_;
  asio::io_context io_;
  itest::TestClients clients_;  // after io_: goes first
  std::string prefix_;
  std::unique_ptr<embed::HashedNgramEmbedder> embedder_;
};

testing::RedisServer* SemanticCacheTest::server_ = nullptr;

TEST_F(SemanticCacheTest, ParaphraseHitsUnrelatedAndHardNegativeMiss) {
  auto client = make_client();
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto id = co_await cache->insert(kTenantA, "How do I reset my password?", "Click 'Forgot password'.");
    EXPECT_TRUE(id);
    auto hit = co_await cache->lookup(kTenantA, "how can i reset my password");
    EXPECT_TRUE(hit && *hit);
    if (hit && *hit) {
      EXPECT_EQ((*hit)->answer, "Click 'Forgot password'.");
      EXPECT_EQ((*hit)->id, *id);
      EXPECT_EQ((*hit)->question, "How do I reset my password?");
      EXPECT_GE((*hit)->similarity, embed::kHashedNgramDefaultThreshold);
    }
    auto unrelated = co_await cache->lookup(kTenantA, "What is the capital of France?");
    EXPECT_TRUE(unrelated && !*unrelated);
    auto hard_negative = co_await cache->lookup(kTenantA, "How do I reset my username?");
    EXPECT_TRUE(hard_negative && !*hard_negative);
    // A per-call threshold overrides the default (here: low enough to accept the hard negative).
    auto loose = co_await cache->lookup(kTenantA, "How do I reset my username?", -1.0f);
    EXPECT_TRUE(loose && *loose);
    auto invalid = co_await cache->lookup(kTenantA, "x", 1.5f);
    EXPECT_FALSE(invalid);
  }());
}

TEST_F(SemanticCacheTest, StoredEntryHasTheDocumentedShape) {
  auto client = make_client();
  auto o = options();
  o.ttl_base = 60s;
  o.ttl_jitter = 10s;
  auto cache = make_cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto id = co_await cache->insert(kTenantA, "What are your opening hours?", std::string("bytes\0here", 10));
    EXPECT_TRUE(id);
    if (!id) co_return;
    const auto p = partition_id(kTenantA);
    const auto key = cache->keys().entry(p, *id);
    EXPECT_EQ(server_->command({"HGET", key, "question"}), "What are your opening hours?");
    EXPECT_EQ(server_->command({"HSTRLEN", key, "vector"}), std::to_string(4 * embedder_->dimension()));
    EXPECT_EQ(server_->command({"HSTRLEN", key, "answer"}), "10");
    auto ttl = std::stol(server_->command({"PTTL", key}));
    EXPECT_GT(ttl, 50'000);
    EXPECT_LE(ttl, 70'000);
    EXPECT_EQ(server_->command({"XLEN", cache->keys().feed(p)}), "1");
    EXPECT_GT(std::stol(server_->command({"PTTL", cache->keys().feed(p)})), 0);
    auto hit = co_await cache->lookup(kTenantA, "what are your opening hours");
    EXPECT_TRUE(hit && *hit && (*hit)->answer == std::string("bytes\0here", 10));
  }());
}

TEST_F(SemanticCacheTest, TenantsNeverShareEntries) {
  auto client = make_client();
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await cache->insert(kTenantA, "What is the capital of France?", "Paris"));
    auto other = co_await cache->lookup(kTenantB, "What is the capital of France?");
    EXPECT_TRUE(other && !*other);
    index::PartitionKey other_namespace{"tenant-a", "gpt-test", "sysfp", "docs"};
    auto other_ns = co_await cache->lookup(other_namespace, "What is the capital of France?");
    EXPECT_TRUE(other_ns && !*other_ns);
    auto same = co_await cache->lookup(kTenantA, "What is the capital of France?");
    EXPECT_TRUE(same && *same);
  }());
}

TEST_F(SemanticCacheTest, ExpiredEntriesMiss) {
  auto client = make_client();
  auto o = options();
  o.ttl_base = 150ms;
  o.ttl_jitter = 0ms;
  auto cache = make_cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await cache->insert(kTenantA, "How long does shipping take to Canada?", "5 days"));
    auto fresh = co_await cache->lookup(kTenantA, "How long does shipping take to Canada?");
    EXPECT_TRUE(fresh && *fresh);
    co_await sleep_for(400ms);
    auto expired = co_await cache->lookup(kTenantA, "How long does shipping take to Canada?");
    EXPECT_TRUE(expired && !*expired);
  }());
}

TEST_F(SemanticCacheTest, EntryGoneFromRedisIsNeverServed) {
  // Redis is the truth: an entry deleted behind the index's back (no feed event) is verified
  // away and dropped from the index, and the next candidate is served instead.
  auto client = make_client();
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto first = co_await cache->insert(kTenantA, "How do I cancel my subscription?", "old");
    auto second = co_await cache->insert(kTenantA, "How can I cancel my subscription?", "new");
    EXPECT_TRUE(first && second);
    if (!first || !second) co_return;
    server_->command({"DEL", cache->keys().entry(partition_id(kTenantA), *first)});
    auto hit = co_await cache->lookup(kTenantA, "How do I cancel my subscription?");
    EXPECT_TRUE(hit && *hit);
    if (hit && *hit) {
      EXPECT_EQ((*hit)->answer, "new");
    }
    EXPECT_EQ(cache->stats().stale_dropped.load(), 1u);
  }());
}

TEST_F(SemanticCacheTest, TwoInstancesSeeEachOthersInsertsAndInvalidations) {
  auto client1 = make_client();
  auto client2 = make_client();
  auto cache1 = make_cache(*client1, options());
  auto cache2 = make_cache(*client2, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    // cache2 knows the partition (its tail runs) before cache1 writes anything.
    auto before = co_await cache2->lookup(kTenantA, "What is the price of the Pro plan?");
    EXPECT_TRUE(before && !*before);
    auto id = co_await cache1->insert(kTenantA, "What is the price of the Pro plan?", "$20");
    EXPECT_TRUE(id);
    auto seen = co_await eventually_hit(*cache2, kTenantA, "what is the price of the pro plan");
    EXPECT_TRUE(seen);
    if (seen) {
      EXPECT_EQ(seen->answer, "$20");
    }
    EXPECT_GE(cache2->stats().feed_events.load(), 1u);
    EXPECT_EQ(cache2->stats().rebuilt_entries.load(), 0u);  // it came through the feed

    // An invalidation by cache2 leaves cache1's index through the feed too.
    auto removed = co_await cache2->invalidate(kTenantA, *id);
    EXPECT_TRUE(removed && *removed);
    co_await testing::eventually([&] { return cache1->indexed_entries() == 0; }, 5s);
    EXPECT_EQ(cache1->indexed_entries(), 0u);
    auto gone = co_await cache1->lookup(kTenantA, "What is the price of the Pro plan?");
    EXPECT_TRUE(gone && !*gone);
    auto again = co_await cache2->invalidate(kTenantA, *id);
    EXPECT_TRUE(again && !*again);
  }());
}

TEST_F(SemanticCacheTest, FreshInstanceRebuildsFromRedis) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    {
      auto writer = make_cache(*client, options());
      EXPECT_TRUE(co_await writer->insert(kTenantA, "What is the capital of France?", "Paris"));
      EXPECT_TRUE(co_await writer->insert(kTenantA, "How do I reset my password?", "Forgot password"));
      EXPECT_TRUE(co_await writer->insert(kTenantB, "What is the capital of France?", "Paris (B)"));
    }
    auto fresh = make_cache(*client, options());
    EXPECT_EQ(fresh->indexed_entries(), 0u);
    auto hit = co_await fresh->lookup(kTenantA, "what's the capital of france");
    EXPECT_TRUE(hit && *hit);
    if (hit && *hit) {
      EXPECT_EQ((*hit)->answer, "Paris");
    }
    EXPECT_EQ(fresh->stats().rebuilt_entries.load(), 2u);  // only tenant A's partition
  }());
}

// With a deliberately poor graph, a near-repeat ("please ..." before a stored question) is
// still found through the words it shares with the stored question, however the index was
// filled: by this process's inserts, through the feed, by a rebuild from Redis, and from a
// snapshot written without terms. A cache that searches the graph alone misses many of them.
TEST_F(SemanticCacheTest, NearRepeatsAreFoundThroughTheirWordsHoweverTheIndexWasFilled) {
  constexpr std::size_t kCount = 400;
  auto o = options();
  o.index.partition = index::testing::narrow_graph(embedder_->dimension(), 10'000);
  auto graph_only = o;
  graph_only.index.partition.term_candidates = 0;
  const std::string snapshot = std::filesystem::temp_directory_path() / (prefix_.substr(0, prefix_.size() - 1) + "-idx");
  std::vector<std::string> questions;
  std::mt19937 rng(5);
  const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "ri"};
  auto word = [&] {
    std::string w;
    for (int i = 0; i < 3; ++i) w += syllables[rng() % 12];
    return w;
  };
  for (std::size_t i = 0; i < kCount; ++i) {
    questions.push_back("how do i " + word() + " the " + word() + " " + word() + " of my " + word());
  }
  auto client = make_client();
  auto reader = make_cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    // `reader` tails the partition before anything is written: it learns every entry by the feed.
    auto none = co_await reader->lookup(kTenantA, questions[0]);
    EXPECT_TRUE(none && !*none);
    std::vector<index::EntryId> ids;
    {
      auto writer = make_cache(*client, o);
      for (const auto& q : questions) {
        auto id = co_await writer->insert(kTenantA, q, "answer to " + q);
        EXPECT_TRUE(id);
        if (id) ids.push_back(*id);
      }
      EXPECT_TRUE(writer->save_index(kTenantA, snapshot));
    }
    co_await testing::eventually([&] { return reader->indexed_entries() >= kCount; }, 5s);
    EXPECT_EQ(reader->indexed_entries(), kCount);

    // The snapshot again, without its terms (as one written before the index kept them).
    {
      auto plain = index::VectorIndex::load(o.index.partition, snapshot);
      EXPECT_TRUE(plain);
      if (plain) {
        for (auto id : ids) (*plain)->set_terms(id, {});
        EXPECT_EQ((*plain)->ids_without_terms().size(), kCount);
        EXPECT_TRUE((*plain)->save(snapshot));
      }
    }
    auto rebuilt = make_cache(*client, o);
    auto from_snapshot = make_cache(*client, o);
    auto loaded = co_await from_snapshot->load_index(kTenantA, snapshot);
    EXPECT_TRUE(loaded && *loaded == kCount);
    auto blind = make_cache(*client, graph_only);

    std::size_t graph_misses = 0;
    for (const auto& q : questions) {
      const std::string near = "please " + q;
      for (auto* cache : {reader.get(), rebuilt.get(), from_snapshot.get()}) {
        auto hit = co_await cache->lookup(kTenantA, near);
        EXPECT_TRUE(hit && *hit) << near;
        if (hit && *hit) {
          EXPECT_EQ((*hit)->question, q);
        }
      }
      auto alone = co_await blind->lookup(kTenantA, near);
      EXPECT_TRUE(alone);
      if (alone && (!*alone || (*alone)->question != q)) ++graph_misses;
    }
    EXPECT_GT(graph_misses, kCount / 10);  // so the hits above are the terms' doing
  }());
  std::filesystem::remove(snapshot + ".hnsw");
  std::filesystem::remove(snapshot + ".slots");
}

// stop() returns only once the feed loop has ended: a shutdown that stops the io_context right
// after it leaves nothing suspended (a suspended loop would keep the cache's index alive).
TEST_F(SemanticCacheTest, StopEndsTheFeedLoopBeforeItReturns) {
  auto client = make_client();
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto a = co_await cache->lookup(kTenantA, "What is the capital of France?");
    auto b = co_await cache->lookup(kTenantB, "What is the capital of France?");
    EXPECT_TRUE(a && b);
    co_await testing::eventually([&] { return cache->running_tails() >= 1; }, 2s);
    EXPECT_EQ(cache->running_tails(), 1u);  // one for every partition
    co_await cache->stop(testing::scaled(std::chrono::milliseconds(3000)));
    EXPECT_EQ(cache->running_tails(), 0u);
  }());
}

// connected_clients of the server, through `client`.
asio::awaitable<long> connected_clients(redis::Client& client) {
  auto info = co_await client.exec(redis::Command("INFO", "clients"));
  if (!info || !info->is_string()) co_return -1;
  const auto at = info->str.find("connected_clients:");
  if (at == std::string::npos) co_return -1;
  co_return std::strtol(info->str.c_str() + at + 18, nullptr, 10);
}

// Whatever callers send, a process holds at most max_partitions partitions (the least recently
// used is unloaded and rebuilt from Redis when used again) and follows every one of them over a
// single feed connection: 30 models cost no connection more than one.
TEST_F(SemanticCacheTest, ManyPartitionsShareOneFeedConnectionAndOnlyTheRecentOnesAreHeld) {
  auto writer_client = make_client();
  auto reader_client = make_client();
  auto probe = make_client();
  auto o = options();
  o.max_partitions = 4;
  auto writer = make_cache(*writer_client, o);
  auto reader = make_cache(*reader_client, o);
  auto model = [](int i) { return index::PartitionKey{"tenant-a", "model-" + std::to_string(i), "sysfp", ""}; };
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto first = co_await reader->lookup(model(0), "What is the capital of France?");
    EXPECT_TRUE(first && !*first);
    co_await testing::eventually([&] { return reader->running_tails() == 1; }, 2s);
    const long before = co_await connected_clients(*probe);
    EXPECT_GT(before, 0);
    for (int i = 1; i < 30; ++i) {
      auto miss = co_await reader->lookup(model(i), "What is the capital of France?");
      EXPECT_TRUE(miss && !*miss) << i;
    }
    EXPECT_EQ(co_await connected_clients(*probe), before);
    EXPECT_EQ(reader->running_tails(), 1u);
    EXPECT_EQ(reader->held_partitions(), 4u);
    EXPECT_EQ(reader->stats().unloaded.load(), 26u);

    // An unloaded partition is rebuilt from Redis when used again...
    auto id = co_await writer->insert(model(0), "How do I reset my password?", "answer-0");
    EXPECT_TRUE(id);
    const auto rebuilt_before = reader->stats().rebuilt_entries.load();
    auto hit = co_await reader->lookup(model(0), "how do I reset my password");
    EXPECT_TRUE(hit && *hit && (*hit)->answer == "answer-0");
    EXPECT_EQ(reader->stats().rebuilt_entries.load(), rebuilt_before + 1);
    // ...and then follows the feed again: the next insert arrives without a rebuild.
    auto id2 = co_await writer->insert(model(0), "Where can I download my invoices?", "answer-1");
    EXPECT_TRUE(id2);
    auto seen = co_await eventually_hit(*reader, model(0), "where can I download my invoices");
    EXPECT_TRUE(seen && seen->answer == "answer-1");
    EXPECT_EQ(reader->stats().rebuilt_entries.load(), rebuilt_before + 1);
    EXPECT_LE(reader->held_partitions(), 4u);
  }());
}

// A change whose doorbell never rang (its writer died between the feed write and the bell)
// still reaches every process holding the partition, within one resync period.
TEST_F(SemanticCacheTest, AChangeWithoutItsDoorbellArrivesAtTheNextResync) {
  auto client = make_client();
  auto o = options();
  o.feed_resync = 300ms;
  auto reader = make_cache(*client, o);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto miss = co_await reader->lookup(kTenantA, "What is the capital of France?");
    EXPECT_TRUE(miss && !*miss);
    std::vector<std::string> texts{"What is the capital of Spain?"};
    auto vectors = co_await embedder_->embed(texts);
    EXPECT_TRUE(vectors && vectors->size() == 1);
    if (!vectors || vectors->size() != 1) co_return;
    const auto expires = std::chrono::duration_cast<std::chrono::milliseconds>(
                             index::Clock::now().time_since_epoch() + std::chrono::minutes(5)).count();
    redis::Command xadd("XADD", reader->keys().feed(partition_id(kTenantA)), "*");
    append_fields(xadd, FeedEvent{FeedEvent::Op::add, 0x1234, expires, (*vectors)[0], {}});
    auto written = co_await client->exec(std::move(xadd));
    EXPECT_TRUE(written && written->is_string());
    co_await testing::eventually([&] { return reader->indexed_entries() == 1; }, 3s);
    EXPECT_EQ(reader->indexed_entries(), 1u);
  }());
}

TEST_F(SemanticCacheTest, BadOptionsAndInputsAreErrors) {
  auto client = make_client();
  auto o = options();
  o.threshold = 2.0f;
  EXPECT_FALSE(SemanticCache::create(*client, *embedder_, o));
  o = options();
  o.top_k = 0;
  EXPECT_FALSE(SemanticCache::create(*client, *embedder_, o));
  o = options();
  o.key_prefix = "{x}";
  EXPECT_FALSE(SemanticCache::create(*client, *embedder_, o));
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto empty = co_await cache->insert(kTenantA, "", "x");
    EXPECT_FALSE(empty);
    auto empty_lookup = co_await cache->lookup(kTenantA, "");
    EXPECT_FALSE(empty_lookup);
    std::vector<float> short_vector(3, 0.5f);
    auto wrong_dimension = co_await cache->insert(kTenantA, "q", "a", "", std::move(short_vector));
    EXPECT_FALSE(wrong_dimension);
    EXPECT_EQ(cache->indexed_entries(), 0u);  // nothing written
  }());
}

// A miss hands its embedding out; inserting with it stores exactly what embedding again would
// (the gateway embeds a missed question once, not twice).
TEST_F(SemanticCacheTest, LookupEmbeddingServesTheInsertAfterAMiss) {
  auto client = make_client();
  auto cache = make_cache(*client, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const std::string question = "Which plan includes priority support?";
    std::vector<float> embedding;
    auto miss = co_await cache->lookup(kTenantA, question, std::nullopt, &embedding);
    EXPECT_TRUE(miss && !*miss);
    std::vector<std::string> texts{question};
    auto direct = co_await embedder_->embed(texts);
    EXPECT_TRUE(direct && direct->size() == 1);
    if (direct && direct->size() == 1) {
      EXPECT_EQ(embedding, (*direct)[0]);
    }
    auto id = co_await cache->insert(kTenantA, question, "The Pro plan.", "", std::move(embedding));
    EXPECT_TRUE(id);
    auto hit = co_await cache->lookup(kTenantA, question);
    EXPECT_TRUE(hit && *hit);
    if (hit && *hit) {
      EXPECT_EQ((*hit)->answer, "The Pro plan.");
      EXPECT_EQ((*hit)->id, *id);
    }
  }());
}


// Every text gets the same vector: candidates then differ only in what a rule sees in the texts.
class OneVectorEmbedder final : public embed::Embedder {
 public:
  asio::awaitable<Result<std::vector<embed::Vector>>> embed(std::span<const std::string> texts) override {
    co_return std::vector<embed::Vector>(texts.size(), embed::Vector{0.6f, 0.8f, 0.0f, 0.0f});
  }
  std::size_t dimension() const override { return 4; }
  std::string_view model_id() const override { return "one-vector"; }
};

TEST_F(SemanticCacheTest, ARuleRescoresTheCandidatesFromTheirQuestionsAndItsGuardsVeto) {
  OneVectorEmbedder same;
  auto client = make_client();
  auto o = options();
  o.threshold = 0.6f;
  o.rule = embed::HitRule::create({.vector_weight = 0.5f, .guards = true}).value();
  auto cache = SemanticCache::create(*client, same, o).value();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await cache->insert(kTenantA, "How do I change my email address?", "email"));
    EXPECT_TRUE(co_await cache->insert(kTenantA, "How do I reset my password?", "password"));
    // Both candidates have cosine 1; the rule's lexical half picks the password question.
    auto hit = co_await cache->lookup(kTenantA, "how can i reset my password");
    EXPECT_TRUE(hit && *hit);
    if (hit && *hit) {
      EXPECT_EQ((*hit)->answer, "password");
      EXPECT_GT((*hit)->similarity, 0.9f) << "the rule's score, not the vectors' cosine of 1";
      EXPECT_LT((*hit)->similarity, 1.0f);
    }
    // Identical vectors are not enough when the texts score under the threshold...
    auto strict = co_await cache->lookup(kTenantA, "how can i reset my password", 0.999f);
    EXPECT_TRUE(strict && !*strict);
    // ...nor when a guard vetoes (a number only one side has).
    auto guarded = co_await cache->lookup(kTenantA, "How do I reset my password in 2024?", 0.0f);
    EXPECT_TRUE(guarded && !*guarded);
  }());
}
}  // namespace
}  // namespace ragcache::semantic
