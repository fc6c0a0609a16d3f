// The semantic cache suite, written once for any Redis deployment: semantic_cache_itest.cc runs
// it on one redis-server (beside the server-only cases there), semantic_cache_ctest.cc on a
// 6-node Redis Cluster, where every key family lives in its own slots (entries, id set and feed
// in {p}; namespace registry in {n}; exact references in {h}): no command may be CROSSSLOT.
//
// What it covers: invalidation by exact hash and by namespace reaching Redis and every
// process's index (through the feed), a restart rebuilding from the partition's id set only,
// and the id set staying bounded by capacity and expiry.
#pragma once

#include "domain/semantic/semantic_cache.h"

#include <gtest/gtest.h>

#include "domain/cache/cache_itest_support.h"
#include "domain/semantic/semantic_itest_support.h"

namespace ragcache::semantic {
namespace {

using namespace std::chrono_literals;
using cache::itest::sleep_for;
namespace asio = boost::asio;

const index::PartitionKey kDocsA{"tenant-a", "gpt-test", "sysfp", "docs"};
const index::PartitionKey kDocsA2{"tenant-a", "gpt-test", "other-sysfp", "docs"};
const index::PartitionKey kDocsB{"tenant-b", "gpt-test", "sysfp", "docs"};
const index::PartitionKey kDefaultA{"tenant-a", "gpt-test", "sysfp", ""};
const std::string kHashOne(64, 'a');
const std::string kHashTwo(64, 'b');

class SemanticSuiteTest : public cache::itest::CacheServerTest {
 protected:
  void SetUp() override {
    CacheServerTest::SetUp();
    embedder_ = std::move(*embed::HashedNgramEmbedder::create());
  }
  // The caches went with the test body; their feed loops end before the clients go
  // (itest::TestClients).
  void TearDown() override { clients_.close_after_feed_loops(io_); }

  // Owned by the fixture, so it outlives the caches' feed loops.
  redis::Client* make_client() { return clients_.keep(CacheServerTest::make_client()); }

  SemanticCacheOptions options() { return itest::test_options(prefix_); }
  std::unique_ptr<SemanticCache> make_cache(redis::Client& client, SemanticCacheOptions o) {
    return itest::make_test_cache(client, *embedder_, std::move(o));
  }

  // Waits (up to 5 s, scaled) until `cache` indexes `entries` entries: for effects that travel the
  // feed.
  static asio::awaitable<void> until_indexed(SemanticCache& cache, std::size_t entries) {
    co_await testing::eventually([&] { return cache.indexed_entries() == entries; }, std::chrono::seconds(5));
  }

  static asio::awaitable<bool> hits(SemanticCache& cache, index::PartitionKey p, std::string question) {
    auto hit = co_await cache.lookup(std::move(p), std::move(question));
    EXPECT_TRUE(hit.has_value());
    co_return hit && *hit;
  }

  std::unique_ptr<embed::HashedNgramEmbedder> embedder_;
  itest::TestClients clients_;
};

TEST_P(SemanticSuiteTest, InvalidatingAnExactKeyRemovesTheEntriesStoredFromIt) {
  auto client1 = make_client();
  auto client2 = make_client();
  auto cache1 = make_cache(*client1, options());
  auto cache2 = make_cache(*client2, options());  // another process: learns through the feed
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_FALSE(co_await hits(*cache2, kDefaultA, "How do I reset my password?"));  // its tail runs
    // The same request stored twice (a no-cache request stores again), and another answer.
    auto first = co_await cache1->insert(kDefaultA, "How do I reset my password?", "old answer", kHashOne);
    auto again = co_await cache1->insert(kDefaultA, "How do I reset my password?", "old answer", kHashOne);
    auto other = co_await cache1->insert(kDefaultA, "What is the capital of France?", "Paris", kHashTwo);
    EXPECT_TRUE(first && again && other);
    if (!first || !again || !other) co_return;
    const auto p = partition_id(kDefaultA);
    EXPECT_EQ(command({"HGET", cache1->keys().entry(p, *first), "exact"}), kHashOne);
    EXPECT_EQ(command({"SCARD", cache1->keys().exact_refs(kHashOne)}), "2");
    co_await until_indexed(*cache2, 3);
    EXPECT_EQ(cache2->indexed_entries(), 3u);

    auto removed = co_await cache1->invalidate_exact(kHashOne);
    EXPECT_TRUE(removed && *removed == 2u);
    EXPECT_EQ(command({"EXISTS", cache1->keys().entry(p, *first)}), "0");
    EXPECT_EQ(command({"EXISTS", cache1->keys().exact_refs(kHashOne)}), "0");
    EXPECT_EQ(command({"ZCARD", cache1->keys().ids(p)}), "1");
    EXPECT_FALSE(co_await hits(*cache1, kDefaultA, "How do I reset my password?"));
    co_await until_indexed(*cache2, 1);
    EXPECT_EQ(cache2->indexed_entries(), 1u);  // gone from the other index, not only verified away
    EXPECT_FALSE(co_await hits(*cache2, kDefaultA, "how can i reset my password"));
    EXPECT_TRUE(co_await hits(*cache2, kDefaultA, "What is the capital of France?"));

    auto nothing = co_await cache1->invalidate_exact(kHashOne);
    EXPECT_TRUE(nothing && *nothing == 0u);
    auto bad = co_await cache1->invalidate_exact("");
    EXPECT_FALSE(bad);
  }());
}

TEST_P(SemanticSuiteTest, InvalidatingANamespaceClearsItsPartitionsEverywhere) {
  auto client1 = make_client();
  auto client2 = make_client();
  auto cache1 = make_cache(*client1, options());
  auto cache2 = make_cache(*client2, options());
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const std::string question = "What is the refund policy?";
    EXPECT_FALSE(co_await hits(*cache2, kDocsA, question));
    const std::vector<index::PartitionKey> partitions{kDocsA, kDocsA2, kDocsB, kDefaultA};
    for (const auto& p : partitions) {
      auto id = co_await cache1->insert(p, question, "30 days");
      EXPECT_TRUE(id);
    }
    EXPECT_TRUE(co_await cache1->insert(kDocsA, "Do you ship to Canada?", "yes"));
    co_await until_indexed(*cache2, 2);  // cache2 tails kDocsA only

    // One tenant's partitions of the namespace (every fingerprint), nobody else's.
    auto tenant_only = co_await cache1->invalidate_namespace("docs", std::string("tenant-a"));
    EXPECT_TRUE(tenant_only && *tenant_only == 3u);
    EXPECT_FALSE(co_await hits(*cache1, kDocsA, question));
    EXPECT_FALSE(co_await hits(*cache1, kDocsA2, question));
    EXPECT_TRUE(co_await hits(*cache1, kDocsB, question));
    EXPECT_TRUE(co_await hits(*cache1, kDefaultA, question));
    EXPECT_EQ(command({"EXISTS", cache1->keys().ids(partition_id(kDocsA))}), "0");
    co_await until_indexed(*cache2, 0);
    EXPECT_EQ(cache2->indexed_entries(), 0u);  // op=clear reached the other process

    // Every tenant's.
    auto all = co_await cache1->invalidate_namespace("docs");
    EXPECT_TRUE(all && *all == 1u);
    EXPECT_FALSE(co_await hits(*cache1, kDocsB, question));
    EXPECT_TRUE(co_await hits(*cache1, kDefaultA, question));

    // The partition is usable again afterwards.
    EXPECT_TRUE(co_await cache1->insert(kDocsA, question, "60 days"));
    auto back = co_await cache2->lookup(kDocsA, question);
    const auto give_up = std::chrono::steady_clock::now() + testing::scaled(5s);
    while (back && !*back && std::chrono::steady_clock::now() < give_up) {
      co_await sleep_for(10ms);
      back = co_await cache2->lookup(kDocsA, question);
    }
    EXPECT_TRUE(back && *back && (*back)->answer == "60 days");
  }());
}

TEST_P(SemanticSuiteTest, RestartRebuildsFromThePartitionsIdSetOnly) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const auto p = partition_id(kDefaultA);
    {
      auto writer = make_cache(*client, options());
      EXPECT_TRUE(co_await writer->insert(kDefaultA, "What is the capital of France?", "Paris"));
      EXPECT_TRUE(co_await writer->insert(kDefaultA, "How do I reset my password?", "Forgot password"));
      EXPECT_TRUE(co_await writer->insert(kDocsB, "What is the capital of France?", "Paris (B)"));
    }
    auto fresh = make_cache(*client, options());
    const auto& keys = fresh->keys();
    // A Hash in the partition's slot that its id set does not name is not read (no keyspace
    // scan); an id whose Hash is gone is pruned from the set.
    const auto vector = encode_vector(embedder_->embed_text("What is the capital of Spain?"));
    command({"HSET", keys.entry(p, 77), "question", "What is the capital of Spain?", "vector", vector, "answer", "Madrid"});
    command({"PEXPIRE", keys.entry(p, 77), "60000"});
    command({"ZADD", keys.ids(p), "99999999999999", format_entry_id(78)});
    EXPECT_EQ(fresh->indexed_entries(), 0u);
    auto hit = co_await fresh->lookup(kDefaultA, "what's the capital of france");
    EXPECT_TRUE(hit && *hit && (*hit)->answer == "Paris");
    EXPECT_EQ(fresh->stats().rebuilt_entries.load(), 2u);  // only this partition, only listed ids
    EXPECT_FALSE(co_await hits(*fresh, kDefaultA, "What is the capital of Spain?"));
    EXPECT_EQ(command({"ZSCORE", keys.ids(p), format_entry_id(78)}), "(nil)");
  }());
}

TEST_P(SemanticSuiteTest, IdSetStaysBoundedByCapacityAndExpiry) {
  auto client = make_client();
  auto o = options();
  o.index.partition.capacity = 2;
  auto cache = make_cache(*client, o);
  auto short_lived = options();
  short_lived.ttl_base = 100ms;
  short_lived.ttl_jitter = 0ms;
  auto expiring = make_cache(*client, short_lived);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    const auto p = partition_id(kDefaultA);
    auto oldest = co_await cache->insert(kDefaultA, "What is the capital of France?", "Paris");
    EXPECT_TRUE(co_await cache->insert(kDefaultA, "How do I reset my password?", "Forgot password"));
    EXPECT_TRUE(co_await cache->insert(kDefaultA, "Do you ship to Canada?", "yes"));
    EXPECT_TRUE(oldest);
    if (!oldest) co_return;
    EXPECT_EQ(command({"ZCARD", cache->keys().ids(p)}), "2");
    EXPECT_EQ(command({"EXISTS", cache->keys().entry(p, *oldest)}), "0");  // evicted in Redis too
    EXPECT_EQ(cache->stats().evicted.load(), 1u);

    const auto q = partition_id(kDocsA);
    EXPECT_TRUE(co_await expiring->insert(kDocsA, "What is the refund policy?", "30 days"));
    co_await sleep_for(250ms);
    EXPECT_TRUE(co_await expiring->insert(kDocsA, "Do you ship to Canada?", "yes"));
    EXPECT_EQ(command({"ZCARD", expiring->keys().ids(q)}), "1");  // the expired id was swept
  }());
}

}  // namespace
}  // namespace ragcache::semantic
