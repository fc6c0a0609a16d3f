// The embeddings cache against a real redis-server: stored vectors come back bit-exact under
// `emb:<model>:<sha256>` with a TTL, models do not mix, and CachedEmbedder embeds each text
// only once (the second call sends only the new text to the inner embedder).
#include "embed/embedding_cache.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "base/hash.h"
#include "redis/command.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/scaled_client_options.h"

namespace ragcache::embed {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Counts what it is asked to embed; vector = {length, 1}.
class CountingEmbedder final : public Embedder {
 public:
  std::vector<std::string> seen;
  asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override {
    std::vector<Vector> out;
    for (const auto& t : texts) {
      seen.push_back(t);
      out.push_back({static_cast<float>(t.size()), 1.0f});
    }
    co_return out;
  }
  std::size_t dimension() const override { return 2; }
  std::string_view model_id() const override { return "counting-v1"; }
};

class EmbeddingCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::ClientOptions options;
    options.url = server_.url();
    client_ = std::move(*redis::Client::create(io_.get_executor(), testing::with_scaled_timeouts(options)));
  }
  testing::RedisServer server_;
  asio::io_context io_;
  std::unique_ptr<redis::Client> client_;
};

TEST_F(EmbeddingCacheTest, StoresVectorsPerModelWithTtl) {
  EmbeddingCache cache(*client_, {.ttl = 60s});
  const std::vector<std::string> texts{"hello world", "second text"};
  const std::vector<Vector> vectors{{0.25f, -0.5f, 1e-7f}, {1.0f, 2.0f, 3.0f}};
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto put = co_await cache.put("model-a", texts, vectors);
    EXPECT_TRUE(put) << put.error().message();
    auto got = co_await cache.get("model-a", texts);
    EXPECT_TRUE(got);
    if (!got) co_return;
    EXPECT_EQ((*got)[0], vectors[0]);  // bit-exact float32
    EXPECT_EQ((*got)[1], vectors[1]);
    auto other = co_await cache.get("model-b", texts);
    EXPECT_TRUE(other && !(*other)[0] && !(*other)[1]);  // another model's space: nothing
    const std::string key = "emb:model-a:" + sha256_hex("hello world");
    EXPECT_EQ(cache.key("model-a", "hello world"), key);
    auto ttl = co_await client_->exec(redis::Command("PTTL", key));
    EXPECT_TRUE(ttl && ttl->integer > 0 && ttl->integer <= 60000) << (ttl ? ttl->debug_string() : "error");
  }(), 10s);
}

TEST_F(EmbeddingCacheTest, CachedEmbedderEmbedsEachTextOnce) {
  EmbeddingCache cache(*client_);
  CountingEmbedder inner;
  CachedEmbedder cached(inner, cache);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<std::string> first{"a", "bb"};
    auto r1 = co_await cached.embed(first);
    EXPECT_TRUE(r1 && r1->size() == 2);
    std::vector<std::string> second{"bb", "ccc", "a"};
    auto r2 = co_await cached.embed(second);
    EXPECT_TRUE(r2 && r2->size() == 3);
    if (!r2) co_return;
    EXPECT_EQ((*r2)[0], (Vector{2.0f, 1.0f}));
    EXPECT_EQ((*r2)[1], (Vector{3.0f, 1.0f}));
    EXPECT_EQ((*r2)[2], (Vector{1.0f, 1.0f}));
  }(), 10s);
  EXPECT_EQ(inner.seen, (std::vector<std::string>{"a", "bb", "ccc"}));
  EXPECT_EQ(cached.stats().hits.load(), 2u);
  EXPECT_EQ(cached.stats().misses.load(), 3u);
}

TEST_F(EmbeddingCacheTest, RedisDownStillEmbeds) {
  EmbeddingCache cache(*client_);
  CountingEmbedder inner;
  CachedEmbedder cached(inner, cache);
  server_.stop();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<std::string> texts{"x"};
    auto r = co_await cached.embed(texts);
    EXPECT_TRUE(r && r->size() == 1);
  }(), 20s);
  EXPECT_EQ(inner.seen.size(), 1u);
  EXPECT_GE(cached.stats().redis_errors.load(), 1u);
}

}  // namespace
}  // namespace ragcache::embed
