#include "embed/use_lite_encoder.h"

#include <gtest/gtest.h>

#include <thread>

#include "embed/use_lite_reference_data.h"
#include "embed/use_lite_test_support.h"

namespace ragcache::embed {
namespace {

std::vector<DenseKernel> supported_kernels() {
  std::vector<DenseKernel> out;
  for (auto k : {DenseKernel::generic, DenseKernel::avx2, DenseKernel::avx512, DenseKernel::avx512_bf16}) {
    if (cpu_supports(k)) out.push_back(k);
  }
  return out;
}

// How far from the reference each kernel may land, in 1 - cosine.
double allowed_distance(DenseKernel k) { return k == DenseKernel::avx512_bf16 ? 1e-4 : 1e-6; }

TEST(UseLiteEncoderTest, MatchesThePlainGraphOnEveryKernelIncludingClipping) {
  const auto weights = use_lite_weights(testing::tiny_model()).value();
  const std::vector<std::vector<std::int32_t>> texts = {
      {6}, {9, 8}, {6, 13, 7, 7, 12}, {10, 11, 12, 13, 6, 7}, {7, 8, 9, 10, 11, 12, 13, 6, 7}};  // the last is clipped to 6
  for (auto kernel : supported_kernels()) {
    auto encoder = UseLiteEncoder::create(weights, kernel);
    ASSERT_TRUE(encoder) << encoder.error().message();
    for (const auto& ids : texts) {
      const auto got = (*encoder)->encode(ids);
      const auto want = testing::reference_forward(weights, ids);
      ASSERT_EQ(got.size(), 16u);
      // The tiny model's bf16 error is larger than the real one's (few, large random weights).
      const double allowed = kernel == DenseKernel::avx512_bf16 ? 5e-3 : 1e-6;
      EXPECT_GE(testing::cosine(got, want), 1.0 - allowed) << kernel_name(kernel) << " tokens " << ids.size();
    }
  }
}

TEST(UseLiteEncoderTest, NoTokensStillGivesAUnitVectorAndBadIdsCountAsUnknown) {
  const auto weights = use_lite_weights(testing::tiny_model()).value();
  const auto encoder = UseLiteEncoder::create(weights, DenseKernel::generic).value();
  const auto empty = encoder->encode(std::vector<std::int32_t>{});
  EXPECT_NEAR(testing::cosine(empty, empty), 1.0, 1e-5);
  EXPECT_NEAR(testing::cosine(empty, testing::reference_forward(weights, {})), 1.0, 1e-6);
  EXPECT_EQ(encoder->encode(std::vector<std::int32_t>{-5, 99, 7}), encoder->encode(std::vector<std::int32_t>{0, 0, 7}));
}

TEST(UseLiteEncoderTest, ConcurrentEncodingsGiveTheSameVectors) {
  const auto weights = use_lite_weights(testing::tiny_model()).value();
  const auto encoder = UseLiteEncoder::create(weights).value();
  const std::vector<std::int32_t> short_text{6, 7}, long_text{9, 8, 13, 12, 11, 10};
  const auto want_short = encoder->encode(short_text), want_long = encoder->encode(long_text);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const bool longer = (i + t) % 2 == 0;  // alternate sizes: per-thread buffers grow and shrink
        if (encoder->encode(longer ? long_text : short_text) != (longer ? want_long : want_short)) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(UseLiteEncoderTest, VectorsEqualTheTensorFlowJsReferenceWithin1e4) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(path);
  auto file = read_use_lite_model_file(path);
  ASSERT_TRUE(file) << file.error().message();
  const auto weights = use_lite_weights(*file).value();
  const auto sentences = testing::reference_sentences();
  for (auto kernel : supported_kernels()) {
    const auto encoder = UseLiteEncoder::create(weights, kernel).value();
    double worst = 0;
    std::string worst_text;
    for (const auto& s : sentences) {
      if (s.vector.empty()) continue;
      const double distance = 1.0 - testing::cosine(encoder->encode(s.ids), s.vector);
      if (distance > worst) {
        worst = distance;
        worst_text = s.text;
      }
    }
    EXPECT_LE(worst, allowed_distance(kernel)) << kernel_name(kernel) << ": worst on \"" << worst_text << "\"";
    std::printf("[ kernel %-11s ] worst 1 - cosine vs reference over %zu texts: %.2e\n",
                std::string(kernel_name(kernel)).c_str(), sentences.size(), worst);
  }
}

}  // namespace
}  // namespace ragcache::embed
