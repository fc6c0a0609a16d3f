// UseLiteInput: where a text enters the USE-lite network, precomputed. The first layer's input
//   x_t = 2 E[id_t] + P_t          (token embedding twice plus the timing signal, see use_lite_weights.h)
// is used twice: through LayerNorm then the q/k/v product, and through the dense residual
// projection. Both are linear in x_t but for the LayerNorm's centring and scaling, which are
// per-token scalars (mu_t, r_t = mean and rsqrt(var + eps) of x_t), so
//   qkv_t = r_t (QE[id_t] + QP[t] - mu_t g) + c    QE[id] = 2 (gamma . E[id]) W, QP[t] = (gamma . P_t) W,
//                                                  g = gamma W, c = beta W + b
//   res_t = RE[id_t] + RP[t] + b_d                 RE[id] = 2 E[id] W_d, RP[t] = P_t W_d
// The products are done once, at load, in float32 (~30 ms); a text only looks rows up. That
// saves ~9% of a text's products, and keeps bf16 rounding away from where it would hurt most.
// Memory: (3 x 256 + 512) floats per vocabulary row, ~41 MB.
#pragma once

#include <cstdint>
#include <vector>

#include "embed/dense_kernels.h"
#include "embed/use_lite_weights.h"

namespace ragcache::embed {

class UseLiteInput {
 public:
  UseLiteInput() = default;
  // `float_kernel` computes the tables (a float32 kernel: generic, avx2 or avx512).
  UseLiteInput(const UseLiteWeights& w, DenseKernel float_kernel);

  // For ids[0..tokens) (each < vocab_rows, tokens <= max_length): the first layer's q/k/v rows
  // (tokens x 3 * embedding_width) and residual rows (tokens x model_width).
  void apply(const std::int32_t* ids, std::size_t tokens, float* qkv, float* residual) const;

  std::size_t vocab_rows() const { return vocab_rows_; }
  std::size_t max_length() const { return max_length_; }

 private:
  std::size_t vocab_rows_ = 0, max_length_ = 0, width_ = 0, qkv_width_ = 0, model_width_ = 0;
  float epsilon_ = 0.0f;
  std::vector<float> embeddings_;  // [vocab_rows][width]
  std::vector<float> timing_;      // [max_length][width]
  std::vector<float> by_token_;    // [vocab_rows][qkv | residual]
  std::vector<float> by_position_; // [max_length][qkv | residual]
  std::vector<float> centre_;      // g = gamma W (qkv_width)
  std::vector<float> bias_;        // c (qkv_width), then b_d (model_width)
};

}  // namespace ragcache::embed
