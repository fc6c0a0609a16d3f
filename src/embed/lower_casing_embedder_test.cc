#include "embed/lower_casing_embedder.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "embed/neural_embedder.h"
#include "embed/use_lite_test_support.h"
#include "support/async_test.h"

namespace ragcache::embed {
namespace {

// Records what it was asked to embed; answers one 2-d vector per text.
class RecordingEmbedder final : public Embedder {
 public:
  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override {
    seen.assign(texts.begin(), texts.end());
    co_return std::vector<Vector>(texts.size(), Vector{1.0f, 0.0f});
  }
  std::size_t dimension() const override { return 2; }
  std::string_view model_id() const override { return "inner-model"; }
  std::vector<std::string> seen;
};

Result<std::vector<Vector>> embed_now(Embedder& e, std::vector<std::string> texts) {
  boost::asio::io_context io;
  return ragcache::testing::run_async(io, e.embed(texts), std::chrono::seconds(10));
}

float cosine(const Vector& a, const Vector& b) {
  float dot = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += a[i] * b[i];
  return dot;  // both unit length
}

TEST(LowerCasingEmbedder, TheInnerEmbedderSeesLowerCaseAndTheIdSaysSo) {
  auto inner = std::make_unique<RecordingEmbedder>();
  auto* raw = inner.get();
  LowerCasingEmbedder e(std::move(inner));
  EXPECT_EQ(e.model_id(), "inner-model+lower");
  EXPECT_EQ(e.dimension(), 2u);
  auto v = embed_now(e, {"What is the Capital of FRANCE?", "ÉCOLE"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->size(), 2u);
  EXPECT_EQ(raw->seen, (std::vector<std::string>{"what is the capital of france?", "école"}));
}

// The reason it exists: the encoder alone tells case variants apart, behind this it does not.
TEST(LowerCasingEmbedder, CaseVariantsOfAQuestionGetOneNeuralVector) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(model);
  auto neural = NeuralEmbedder::load(model).value();
  const float raw = cosine(neural->embed_text("What is the capital of France?"),
                           neural->embed_text("what is the capital of france?"));
  EXPECT_LT(raw, 0.95f);  // the encoder alone: well under the built-in rule's threshold
  LowerCasingEmbedder e(std::move(neural));
  auto v = embed_now(e, {"What is the capital of France?", "what is the capital of france?", "WHAT IS THE CAPITAL OF FRANCE?"});
  ASSERT_TRUE(v);
  EXPECT_GT(cosine((*v)[0], (*v)[1]), 0.9999f);
  EXPECT_GT(cosine((*v)[0], (*v)[2]), 0.9999f);
}

}  // namespace
}  // namespace ragcache::embed
