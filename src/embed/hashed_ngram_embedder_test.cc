#include "embed/hashed_ngram_embedder.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>

namespace ragcache::embed {
namespace {

float cosine(const Vector& a, const Vector& b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

class HashedNgramEmbedderTest : public ::testing::Test {
 protected:
  float similarity(std::string_view a, std::string_view b) {
    return cosine(embedder_->embed_text(a), embedder_->embed_text(b));
  }
  std::unique_ptr<HashedNgramEmbedder> embedder_ = HashedNgramEmbedder::create().value();
};

TEST_F(HashedNgramEmbedderTest, VectorsAreUnitLengthAndDeterministic) {
  for (const char* text : {"How do I reset my password?", "", "?", "北京今天的天气怎么样", "x"}) {
    const auto v = embedder_->embed_text(text);
    ASSERT_EQ(v.size(), 384u);
    double n = 0;
    for (float x : v) n += double(x) * x;
    EXPECT_NEAR(n, 1.0, 1e-4) << text;
    EXPECT_EQ(v, embedder_->embed_text(text));
    EXPECT_EQ(v, HashedNgramEmbedder::create().value()->embed_text(text));
  }
}

TEST_F(HashedNgramEmbedderTest, DimensionIsConfigurableAndNamedInModelId) {
  HashedNgramOptions opts;
  opts.dimension = 1024;
  auto e = HashedNgramEmbedder::create(opts).value();
  EXPECT_EQ(e->dimension(), 1024u);
  EXPECT_EQ(e->embed_text("hello").size(), 1024u);
  EXPECT_NE(e->model_id(), embedder_->model_id());
  EXPECT_NE(e->model_id().find("1024"), std::string_view::npos);
  EXPECT_EQ(embedder_->model_id(), "ragcache-hashed-ngram-v1-384");
  // Other weights make other vectors: another model id.
  HashedNgramOptions reweighted;
  reweighted.weights.number = 3.0f;
  EXPECT_NE(HashedNgramEmbedder::create(reweighted).value()->model_id(), embedder_->model_id());
}

TEST_F(HashedNgramEmbedderTest, RejectsBadOptions) {
  HashedNgramOptions opts;
  opts.dimension = 4;
  EXPECT_FALSE(HashedNgramEmbedder::create(opts));
  opts = {};
  opts.word_share = -1;
  EXPECT_FALSE(HashedNgramEmbedder::create(opts));
  opts = {};
  opts.word_share = opts.phrase_share = opts.chars_share = opts.pairs_share = 0;
  EXPECT_FALSE(HashedNgramEmbedder::create(opts));
}

// Near-duplicates a cache should serve from the same answer: hits at the default threshold.
TEST_F(HashedNgramEmbedderTest, ParaphrasesHitAtDefaultThreshold) {
  const std::pair<const char*, const char*> pairs[] = {
      {"How do I reset my password?", "how do i reset my password"},
      {"How do I reset my password?", "How can I reset my password?"},
      {"What is the capital of France?", "what's the capital of france"},
      {"Can I return an item after 30 days?", "Can I return items after 30 days?"},
      {"How do I undo the last git commit?", "how to undo the last git commit"},
      {"I was charged twice for my order last week, how can I get a refund?",
       "I was charged twice for my order last week. How do I get a refund?"},
      {"北京今天的天气怎么样？", "北京今天天气怎么样"},
      {"Comment réinitialiser mon mot de passe ?", "comment reinitialiser mon mot de passe"},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_GE(similarity(a, b), kHashedNgramDefaultThreshold) << a << " | " << b;
  }
}

TEST_F(HashedNgramEmbedderTest, UnrelatedTextsMiss) {
  EXPECT_LT(similarity("How do I reset my password?", "What is the boiling point of water?"), 0.3f);
  EXPECT_LT(similarity("北京今天的天气怎么样？", "How do I reset my password?"), 0.3f);
  EXPECT_LT(similarity("?", "!"), 0.3f);
}

// Same words, different meaning: must stay below the default threshold (a hit would serve a
// wrong answer).
TEST_F(HashedNgramEmbedderTest, HardNegativesMissAtDefaultThreshold) {
  const std::pair<const char*, const char*> pairs[] = {
      {"What is the price of Bitcoin?", "What is the price of Ethereum?"},
      {"Can I cancel my order?", "Can't I cancel my order?"},
      {"Is it safe to drink alcohol while taking antibiotics?",
       "Is it not safe to drink alcohol while taking antibiotics?"},
      {"What was Apple's revenue in 2022?", "What was Apple's revenue in 2023?"},
      {"Is the meeting on March 3?", "Is the meeting on March 13?"},
      {"Book a table for 2 at 7pm", "Book a table for 4 at 7pm"},
      {"Flights from Paris to London", "Flights from London to Paris"},
      {"Convert 100 USD to EUR", "Convert 100 EUR to USD"},
      {"How do I enable two-factor authentication?", "How do I disable two-factor authentication?"},
      {"How do I open a bank account?", "How do I close a bank account?"},
      {"北京今天的天气怎么样？", "上海今天的天气怎么样？"},
      {"买三张票多少钱？", "买五张票多少钱？"},
      {"我可以取消订单吗？", "我不可以取消订单吗？"},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_LT(similarity(a, b), kHashedNgramDefaultThreshold) << a << " | " << b;
  }
}

TEST_F(HashedNgramEmbedderTest, AsyncEmbedReturnsOneVectorPerText) {
  boost::asio::io_context io;
  const std::vector<std::string> texts{"first question", "second question", ""};
  Result<std::vector<Vector>> result = Error(Errc::internal);
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result = co_await embedder_->embed(texts); },
      boost::asio::detached);
  io.run();
  ASSERT_TRUE(result);
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[1], embedder_->embed_text("second question"));
}

}  // namespace
}  // namespace ragcache::embed
