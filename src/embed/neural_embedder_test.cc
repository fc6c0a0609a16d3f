#include "embed/neural_embedder.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "embed/use_lite_test_support.h"

namespace ragcache::embed {
namespace {

Result<std::vector<Vector>> embed_all(Embedder& e, std::vector<std::string> texts) {
  boost::asio::io_context io;
  std::optional<Result<std::vector<Vector>>> out;
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> { out = co_await e.embed(texts); },
                        boost::asio::detached);
  io.run();
  return *out;
}

TEST(NeuralEmbedderTest, ATinyModelEmbedsThroughTheEmbedderInterface) {
  auto e = NeuralEmbedder::create(testing::tiny_model());
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ((*e)->dimension(), 16u);
  EXPECT_EQ((*e)->model_id(), "use-lite-en-0.2.0");
  auto vectors = embed_all(**e, {"ab", "a b", ""});
  ASSERT_TRUE(vectors);
  ASSERT_EQ(vectors->size(), 3u);
  for (const auto& v : *vectors) EXPECT_NEAR(testing::cosine(v, v), 1.0, 1e-5);
  EXPECT_EQ((*vectors)[0], (*e)->embed_text("ab"));
  EXPECT_EQ((*e)->tokens("ab"), std::vector<std::int32_t>({10}));
}

TEST(NeuralEmbedderTest, LoadingReportsAMissingFileAndABrokenModel) {
  auto missing = NeuralEmbedder::load("/nonexistent/model.bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, make_error_code(Errc::unavailable));
  auto model = testing::tiny_model();
  model.vocab.resize(20, VocabPiece{"zz", -9.0});  // more pieces than the 14 rows of the token table
  auto broken = NeuralEmbedder::create(model);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, make_error_code(Errc::invalid_argument));
}

TEST(NeuralEmbedderTest, RewordingsAreCloserThanDifferentQuestions) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(path);
  auto e = NeuralEmbedder::load(path);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ((*e)->dimension(), 512u);
  auto similarity = [&](std::string_view a, std::string_view b) {
    return testing::cosine((*e)->embed_text(a), (*e)->embed_text(b));
  };
  const double reword = similarity("How do I reset my password?", "I forgot my password, how can I change it?");
  const double other = similarity("How do I reset my password?", "What is the price of gold today?");
  EXPECT_GT(reword, 0.8);
  EXPECT_LT(other, 0.5);
  EXPECT_EQ((*e)->embed_text("same text"), (*e)->embed_text("same text"));
}

}  // namespace
}  // namespace ragcache::embed
