// UseLiteEncoder: the Universal Sentence Encoder Lite network (use_lite_weights.h) run in C++ on
// token ids: 512 floats of unit length per text, equal to the TensorFlow.js reference within
// 1e-4 in cosine (use_lite_encoder_test.cc checks reference vectors made with the npm packages).
//
// Work per token, in multiply-adds: ~3.5 M, nearly all in dense products run by
// dense_kernels.h's fastest kernel for this CPU (two thirds in the 512 -> 1536 -> 512
// feed-forward blocks). Two exact rewrites of the graph save a quarter of it: the first layer's
// input projections are looked up (use_lite_input.h), and the last feed-forward product is
// applied to the mean of its inputs, since only the mean over the tokens leaves the network.
// With the bf16 kernel, products after the first layer's inputs round to bfloat16 (the vector
// moves by ~1e-5 in cosine).
//
// Thread safety: encode() is const and may run concurrently; activations live in per-thread
// buffers kept between calls (~0.3 MB at 32 tokens, ~2.5 MB at the 128-token maximum).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/error.h"
#include "embed/dense_kernels.h"
#include "embed/use_lite_input.h"
#include "embed/use_lite_weights.h"

namespace ragcache::embed {

class UseLiteEncoder {
 public:
  // invalid_argument when the weights do not fit together (use_lite_weights checks most).
  static Result<std::unique_ptr<UseLiteEncoder>> create(const UseLiteWeights& weights,
                                                        DenseKernel kernel = default_dense_kernel());

  // The vector of `ids` (the first max_length() are used; an id outside the table counts as 0,
  // the unknown piece). No ids at all gives the vector of an empty mean, still unit length.
  void encode(std::span<const std::int32_t> ids, std::span<float> out) const;
  std::vector<float> encode(std::span<const std::int32_t> ids) const;

  std::size_t dimension() const { return model_width_; }
  std::size_t max_length() const { return input_.max_length(); }
  DenseKernel kernel() const { return output_.kernel(); }

 private:
  struct Layer {
    std::size_t width = 0, heads = 0;
    float query_scale = 0.0f;
    LayerNormWeights attention_norm, ffn_norm;
    PackedDense qkv, attention_out, ffn_in, ffn_out;  // layer 0's qkv lives in input_
  };
  UseLiteEncoder() = default;
  void layer_norm(const LayerNormWeights& w, const float* x, std::size_t rows, std::size_t width, float* y) const;
  // y (tokens x model width, the attention block's output with its residual added) -> y plus
  // the feed-forward block; or, for the last layer (`pooled` given), the mean over the tokens of
  // that sum, into `pooled`.
  void feed_forward(const Layer& layer, float* y, std::size_t tokens, float* pooled) const;

  std::size_t model_width_ = 0;
  float norm_epsilon_ = 0.0f, l2_epsilon_ = 0.0f;
  UseLiteInput input_;
  Layer layers_[2];
  PackedDense output_;
};

}  // namespace ragcache::embed
