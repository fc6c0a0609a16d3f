#include "embed/use_lite_encoder.h"

#include <algorithm>
#include <cmath>

#include "embed/self_attention.h"
#include "embed/vector_ops.h"

namespace ragcache::embed {
namespace {

PackedDense packed(const DenseWeights& d, DenseKernel kernel) { return PackedDense(d.kernel, d.bias, d.in, d.out, kernel); }

}  // namespace

Result<std::unique_ptr<UseLiteEncoder>> UseLiteEncoder::create(const UseLiteWeights& w, DenseKernel kernel) {
  if (w.embedding_width == 0 || w.model_width == 0 || w.max_length == 0 || w.layers[0].residual.kernel.empty() ||
      w.embeddings.size() != w.vocab_rows * w.embedding_width || w.inv_timescales.size() * 2 != w.embedding_width) {
    return Error(Errc::invalid_argument, "neural encoder: inconsistent weights");
  }
  std::unique_ptr<UseLiteEncoder> e(new UseLiteEncoder());
  e->model_width_ = w.model_width;
  e->norm_epsilon_ = w.norm_epsilon;
  e->l2_epsilon_ = w.l2_epsilon;
  e->input_ = UseLiteInput(w, kernel == DenseKernel::avx512_bf16 ? DenseKernel::avx512 : kernel);
  for (int i = 0; i < 2; ++i) {
    const auto& src = w.layers[i];
    auto& dst = e->layers_[i];
    dst.width = src.qkv.in;
    dst.heads = src.heads;
    dst.query_scale = src.query_scale;
    dst.attention_norm = src.attention_norm;
    dst.ffn_norm = src.ffn_norm;
    if (i > 0) dst.qkv = packed(src.qkv, kernel);
    dst.attention_out = packed(src.attention_out, kernel);
    dst.ffn_in = packed(src.ffn_in, kernel);
    dst.ffn_out = packed(src.ffn_out, kernel);
  }
  e->output_ = packed(w.output, kernel);
  return e;
}

void UseLiteEncoder::layer_norm(const LayerNormWeights& w, const float* x, std::size_t rows, std::size_t width,
                                float* y) const {
  const auto n = static_cast<float>(width);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * width;
    const float mean = vec::sum(xr, width) / n;
    const float inv = 1.0f / std::sqrt(vec::sum_squared_deviation(xr, width, mean) / n + norm_epsilon_);
    vec::normalise(xr, width, mean, inv, w.scale.data(), w.bias.data(), y + r * width);
  }
}

namespace {

// One thread's activations, grown to the longest text seen and kept: no allocation (and no page
// faults for fresh pages) per text.
struct Workspace {
  std::vector<std::int32_t> ids;
  std::vector<float> qkv, heads, y, side, normed, hidden, mean_hidden;
  float* grow(std::vector<float>& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};

Workspace& workspace() {
  thread_local Workspace w;
  return w;
}

}  // namespace

void UseLiteEncoder::feed_forward(const Layer& layer, float* y, std::size_t tokens, float* pooled) const {
  auto& ws = workspace();
  const std::size_t model = model_width_, hidden_width = layer.ffn_in.out();
  float* normed = ws.grow(ws.normed, tokens * model);
  float* hidden = ws.grow(ws.hidden, tokens * hidden_width);
  layer_norm(layer.ffn_norm, y, tokens, model, normed);
  layer.ffn_in.apply(normed, tokens, hidden, /*relu=*/true);
  if (pooled == nullptr) {
    float* out = ws.grow(ws.side, tokens * model);
    layer.ffn_out.apply(hidden, tokens, out);
    vec::add(out, y, tokens * model);
    return;
  }
  // Only the mean over the tokens leaves the last layer, and the second product is linear:
  // mean_t(y_t + h_t W + b) = mean_t(y_t) + (mean_t h_t) W + b. One row instead of `tokens`.
  const float inv_count = 1.0f / static_cast<float>(tokens);
  float* mean_hidden = ws.grow(ws.mean_hidden, hidden_width);
  std::fill(mean_hidden, mean_hidden + hidden_width, 0.0f);
  std::vector<float> mean_y(model, 0.0f);
  for (std::size_t t = 0; t < tokens; ++t) {
    vec::add(hidden + t * hidden_width, mean_hidden, hidden_width);
    vec::add(y + t * model, mean_y.data(), model);
  }
  for (std::size_t i = 0; i < hidden_width; ++i) mean_hidden[i] *= inv_count;
  layer.ffn_out.apply(mean_hidden, 1, pooled);
  for (std::size_t i = 0; i < model; ++i) pooled[i] += mean_y[i] * inv_count;
}

void UseLiteEncoder::encode(std::span<const std::int32_t> ids, std::span<float> out) const {
  const std::size_t tokens = std::min(ids.size(), input_.max_length());
  const std::size_t model = model_width_;
  std::vector<float> pooled(model, 0.0f);  // no tokens: the mean of nothing is 0
  if (tokens > 0) {
    auto& ws = workspace();
    ws.ids.assign(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(tokens));
    for (auto& id : ws.ids) {
      if (id < 0 || static_cast<std::size_t>(id) >= input_.vocab_rows()) id = 0;
    }
    float* qkv = ws.grow(ws.qkv, tokens * 3 * model);
    float* heads = ws.grow(ws.heads, tokens * model);
    float* y = ws.grow(ws.y, tokens * model);
    float* side = ws.grow(ws.side, tokens * model);
    // Layer 0: q/k/v and residual looked up; attention; output projection plus residual.
    const Layer& first = layers_[0];
    input_.apply(ws.ids.data(), tokens, qkv, side);
    self_attention(qkv, tokens, first.width, first.heads, first.query_scale, heads, kernel());
    first.attention_out.apply(heads, tokens, y);
    vec::add(side, y, tokens * model);
    feed_forward(first, y, tokens, nullptr);
    // Layer 1: the same on a model-wide input, with the input itself as the residual.
    const Layer& second = layers_[1];
    float* normed = ws.grow(ws.normed, tokens * model);
    layer_norm(second.attention_norm, y, tokens, model, normed);
    second.qkv.apply(normed, tokens, qkv);
    self_attention(qkv, tokens, second.width, second.heads, second.query_scale, heads, kernel());
    second.attention_out.apply(heads, tokens, side);
    vec::add(side, y, tokens * model);
    feed_forward(second, y, tokens, pooled.data());
  }
  output_.apply(pooled.data(), 1, out.data());
  double norm2 = 0.0;
  for (std::size_t i = 0; i < model; ++i) {
    out[i] = std::tanh(out[i]);
    norm2 += static_cast<double>(out[i]) * out[i];
  }
  const auto inv = static_cast<float>(1.0 / std::sqrt(std::max(norm2, static_cast<double>(l2_epsilon_))));
  for (std::size_t i = 0; i < model; ++i) out[i] *= inv;
}

std::vector<float> UseLiteEncoder::encode(std::span<const std::int32_t> ids) const {
  std::vector<float> out(model_width_);
  encode(ids, out);
  return out;
}

}  // namespace ragcache::embed
