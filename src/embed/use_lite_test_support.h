// Shared by the neural embedder's tests:
//   - where the real model file is (tests that need it skip, with a message, when it is absent);
//   - a tiny USE-lite-shaped model with random weights under the real tensor names, so file
//     parsing, weight mapping and the network's arithmetic are tested without the model;
//   - a plain, unoptimised forward pass of the graph (use_lite_weights.h), the oracle that the
//     encoder's rewrites (precomputed input tables, pooled last product) are checked against.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "embed/use_lite_model_file.h"
#include "embed/use_lite_weights.h"

namespace ragcache::embed::testing {

// $RAGCACHE_NEURAL_MODEL, else <source dir>/.ragcache/models/<file> (scripts/fetch_model.sh
// puts it there; the test command runs that script). nullopt when there is no file.
inline std::optional<std::string> neural_model_path() {
  std::string path;
  if (const char* env = std::getenv("RAGCACHE_NEURAL_MODEL"); env && *env) {
    path = env;
  } else {
    path = std::string(RAGCACHE_SOURCE_DIR) + "/.ragcache/models/" + std::string(kUseLiteModelFileName);
  }
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

#define RAGCACHE_NEURAL_MODEL_OR_SKIP(var)                                                               \
  const auto var##_found = ::ragcache::embed::testing::neural_model_path();                              \
  if (!var##_found) {                                                                                    \
    GTEST_SKIP() << "neural model file absent (run scripts/fetch_model.sh, or set RAGCACHE_NEURAL_MODEL)"; \
  }                                                                                                      \
  const std::string var = *var##_found

struct TinySizes {
  std::size_t vocab_rows = 14, embedding = 8, model = 16, hidden = 24, heads = 2, max_length = 6;
};

// A model file with every tensor the loader looks up, random weights (fixed seed), and a small
// vocabulary: the six reserved ids, then "▁", "a", "b", "▁a", "▁ab", "ab", "c", "▁c".
inline UseLiteModelFile tiny_model(const TinySizes& z = {}, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  UseLiteModelFile f;
  f.package = "tiny";
  auto add = [&](const std::string& name, std::vector<std::size_t> shape, float scale = 1.0f, float offset = 0.0f) {
    ModelTensor t;
    t.shape = std::move(shape);
    t.f32.resize(t.elements());
    for (auto& v : t.f32) v = offset + scale * normal(rng);
    f.tensors[name] = std::move(t);
  };
  auto add_int = [&](const std::string& name, std::int32_t v) {
    ModelTensor t;
    t.i32 = {v};
    f.tensors[name] = std::move(t);
  };
  const std::string apply = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
  const std::string module = "module/Encoder_en/KonaTransformer/Encode/";
  add("module/Embeddings_en", {z.vocab_rows, z.embedding});
  add(apply + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", {1, z.embedding / 2}, 0.5f, 0.6f);
  add_int(apply + "TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2",
          static_cast<std::int32_t>(z.heads));
  add_int("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y", static_cast<std::int32_t>(z.max_length));
  add(apply + "TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x", {}, 0.0f, 1e-6f);
  add("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y", {}, 0.0f, 1e-12f);
  const std::size_t widths[2] = {z.embedding, z.model};
  for (int l = 0; l < 2; ++l) {
    const std::string L = "Layer_" + std::to_string(l) + "/TransformerLayer/";
    const std::size_t in = widths[l];
    add(apply + "TransformerStack/" + L + "MultiheadAttention/mul/y", {}, 0.0f,
        1.0f / std::sqrt(static_cast<float>(in / z.heads)));
    add(apply + L + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", {in}, 0.2f, 1.0f);
    add(apply + L + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", {in}, 0.2f);
    add(module + L + "MultiheadAttention/qkv_transform_single/kernel/part_0", {1, 1, in, 3 * in});
    add(apply + L + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", {3 * in});
    add(module + L + "MultiheadAttention/output_transform_single/kernel/part_0", {1, 1, in, z.model});
    add(apply + L + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", {z.model});
    if (in != z.model) {
      add(apply + L + "dense/kernel/ConcatPartitions/concat", {in, z.model});
      add(apply + L + "dense/bias/ConcatPartitions/concat", {z.model});
    }
    add(apply + L + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", {z.model}, 0.2f, 1.0f);
    add(apply + L + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", {z.model}, 0.2f);
    add(apply + "TransformerStack/" + L + "FFN/conv1/Tensordot/Reshape_1", {z.model, z.hidden});
    add(apply + L + "FFN/conv1/bias/ConcatPartitions/concat", {z.hidden});
    add(apply + "TransformerStack/" + L + "FFN/conv2/Tensordot/Reshape_1", {z.hidden, z.model});
    add(apply + L + "FFN/conv2/bias/ConcatPartitions/concat", {z.model});
  }
  add("module/Encoder_en/hidden_layers/tanh_layer_0/weights", {z.model, z.model});
  add("module/Encoder_en/hidden_layers/tanh_layer_0/bias", {z.model});
  for (const char* reserved : {"\xEF\xBF\xBD", "<s>", "</s>", "extra_token_id_1", "extra_token_id_2", "extra_token_id_3"}) {
    f.vocab.push_back({reserved, 0.0});
  }
  for (auto [piece, score] : std::initializer_list<std::pair<const char*, double>>{
           {"\xE2\x96\x81", -2.0}, {"a", -3.0}, {"b", -3.0}, {"\xE2\x96\x81" "a", -2.5}, {"\xE2\x96\x81" "ab", -4.0},
           {"ab", -4.5}, {"c", -6.0}, {"\xE2\x96\x81" "c", -5.0}}) {
    f.vocab.push_back({piece, score});
  }
  return f;
}

// The graph computed literally, in double precision: x = 2E + timing, layer norm, q/k/v,
// softmax attention, projections, feed-forward on every token, mean, tanh, L2 normalisation.
inline std::vector<float> reference_forward(const UseLiteWeights& w, std::span<const std::int32_t> ids) {
  using Mat = std::vector<std::vector<double>>;
  const std::size_t T = std::min(ids.size(), w.max_length), E = w.embedding_width, D = w.model_width;
  auto dense = [](const Mat& x, const DenseWeights& d) {
    Mat y(x.size(), std::vector<double>(d.out));
    for (std::size_t r = 0; r < x.size(); ++r) {
      for (std::size_t j = 0; j < d.out; ++j) {
        double s = d.bias[j];
        for (std::size_t k = 0; k < d.in; ++k) s += x[r][k] * d.kernel[k * d.out + j];
        y[r][j] = s;
      }
    }
    return y;
  };
  auto norm = [&](const Mat& x, const LayerNormWeights& n) {
    Mat y = x;
    for (auto& row : y) {
      double mean = 0, var = 0;
      for (double v : row) mean += v;
      mean /= static_cast<double>(row.size());
      for (double v : row) var += (v - mean) * (v - mean);
      var /= static_cast<double>(row.size());
      for (std::size_t i = 0; i < row.size(); ++i) row[i] = n.scale[i] * (row[i] - mean) / std::sqrt(var + w.norm_epsilon) + n.bias[i];
    }
    return y;
  };
  auto attention = [&](const Mat& qkv, const TransformerLayerWeights& l) {
    const std::size_t width = l.qkv.in, hw = width / l.heads;
    Mat out(T, std::vector<double>(width));
    for (std::size_t h = 0; h < l.heads; ++h) {
      for (std::size_t t = 0; t < T; ++t) {
        std::vector<double> s(T);
        for (std::size_t u = 0; u < T; ++u) {
          for (std::size_t i = 0; i < hw; ++i) s[u] += qkv[t][h * hw + i] * l.query_scale * qkv[u][width + h * hw + i];
        }
        const double top = *std::max_element(s.begin(), s.end());
        double total = 0;
        for (double& v : s) {
          v = std::exp(v - top);
          total += v;
        }
        for (std::size_t u = 0; u < T; ++u) {
          for (std::size_t i = 0; i < hw; ++i) out[t][h * hw + i] += s[u] / total * qkv[u][2 * width + h * hw + i];
        }
      }
    }
    return out;
  };
  Mat x(T, std::vector<double>(E));
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t i = 0; i < E / 2; ++i) {
      const double angle = static_cast<float>(t) * w.inv_timescales[i];
      const std::size_t id = static_cast<std::size_t>(ids[t]);
      x[t][i] = 2.0 * w.embeddings[id * E + i] + std::sin(angle);
      x[t][E / 2 + i] = 2.0 * w.embeddings[id * E + E / 2 + i] + std::cos(angle);
    }
  }
  for (int l = 0; l < 2; ++l) {
    const auto& layer = w.layers[l];
    Mat y = dense(attention(dense(norm(x, layer.attention_norm), layer.qkv), layer), layer.attention_out);
    const Mat residual = layer.residual.kernel.empty() ? x : dense(x, layer.residual);
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t i = 0; i < D; ++i) y[t][i] += residual[t][i];
    }
    Mat hidden = dense(norm(y, layer.ffn_norm), layer.ffn_in);
    for (auto& row : hidden) {
      for (double& v : row) v = std::max(v, 0.0);
    }
    const Mat ffn = dense(hidden, layer.ffn_out);
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t i = 0; i < D; ++i) y[t][i] += ffn[t][i];
    }
    x = std::move(y);
  }
  Mat pooled(1, std::vector<double>(D));
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t i = 0; i < D; ++i) pooled[0][i] += x[t][i] / static_cast<double>(std::max<std::size_t>(T, 1));
  }
  Mat z = dense(pooled, w.output);
  double n2 = 0;
  for (double& v : z[0]) {
    v = std::tanh(v);
    n2 += v * v;
  }
  std::vector<float> out(D);
  for (std::size_t i = 0; i < D; ++i) out[i] = static_cast<float>(z[0][i] / std::sqrt(std::max(n2, 1e-12)));
  return out;
}

inline double cosine(std::span<const float> a, std::span<const float> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

}  // namespace ragcache::embed::testing
