#include "embed/use_lite_weights.h"

#include <gtest/gtest.h>

#include "embed/use_lite_test_support.h"

namespace ragcache::embed {
namespace {

TEST(UseLiteWeightsTest, SizesComeFromTheTensorsThemselves) {
  auto w = use_lite_weights(testing::tiny_model());
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(w->vocab_rows, 14u);
  EXPECT_EQ(w->embedding_width, 8u);
  EXPECT_EQ(w->model_width, 16u);
  EXPECT_EQ(w->max_length, 6u);
  EXPECT_EQ(w->layers[0].heads, 2u);
  EXPECT_EQ(w->layers[0].qkv.out, 24u);
  EXPECT_EQ(w->layers[0].residual.in, 8u) << "the first layer projects its input to the model width";
  EXPECT_TRUE(w->layers[1].residual.kernel.empty()) << "the second layer's residual is its input";
  EXPECT_EQ(w->layers[1].ffn_in.out, 24u);
  EXPECT_EQ(w->output.in, 16u);
}

TEST(UseLiteWeightsTest, AMissingOrMisshapenTensorIsNamed) {
  const std::string name = "module/Encoder_en/hidden_layers/tanh_layer_0/bias";
  auto model = testing::tiny_model();
  model.tensors.erase(name);
  auto missing = use_lite_weights(model);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find(name), std::string::npos) << missing.error().detail;

  model = testing::tiny_model();
  model.tensors[name].shape = {15};
  model.tensors[name].f32.resize(15);
  auto misshapen = use_lite_weights(model);
  ASSERT_FALSE(misshapen);
  EXPECT_NE(misshapen.error().detail.find("wrong shape"), std::string::npos) << misshapen.error().detail;

  model = testing::tiny_model();
  model.tensors.erase("module/Embeddings_en");
  EXPECT_FALSE(use_lite_weights(model));
}

TEST(UseLiteWeightsTest, TheFetchedModelIsTheTwoLayerEncoderOfModelJson) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(path);
  auto file = read_use_lite_model_file(path);
  ASSERT_TRUE(file) << file.error().message();
  auto w = use_lite_weights(*file);
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(w->vocab_rows, 8002u);
  EXPECT_EQ(w->embedding_width, 256u);
  EXPECT_EQ(w->model_width, 512u);
  EXPECT_EQ(w->max_length, 128u);
  EXPECT_EQ(w->layers[0].heads, 4u);
  EXPECT_FLOAT_EQ(w->layers[0].query_scale, 0.125f);             // 1 / sqrt(256 / 4)
  EXPECT_NEAR(w->layers[1].query_scale, 0.08838835f, 1e-7);        // 1 / sqrt(512 / 4)
  EXPECT_EQ(w->layers[0].ffn_in.out, 1536u);
  EXPECT_FLOAT_EQ(w->norm_epsilon, 1e-6f);
}

}  // namespace
}  // namespace ragcache::embed
