#include "embed/use_lite_input.h"

#include <algorithm>
#include <cmath>

#include "embed/vector_ops.h"

namespace ragcache::embed {
namespace {

// The timing signal as the graph computes it: float32 position times float32 inverse timescale,
// then sin and cos of that product.
std::vector<float> timing_signal(const std::vector<float>& inv_timescales, std::size_t positions) {
  const std::size_t half = inv_timescales.size(), width = 2 * half;
  std::vector<float> out(positions * width);
  for (std::size_t t = 0; t < positions; ++t) {
    for (std::size_t i = 0; i < half; ++i) {
      const float angle = static_cast<float>(t) * inv_timescales[i];
      out[t * width + i] = static_cast<float>(std::sin(static_cast<double>(angle)));
      out[t * width + half + i] = static_cast<float>(std::cos(static_cast<double>(angle)));
    }
  }
  return out;
}

// For every row x of `rows` (count x width): [(gamma . factor x) W_qkv | (factor x) W_residual],
// written straight into `out` (count rows of qkv.out + residual.out floats).
void project_rows(const std::vector<float>& rows, std::size_t count, std::size_t width, const std::vector<float>& gamma,
                  float factor, const DenseWeights& qkv, const DenseWeights& residual, DenseKernel kernel,
                  std::vector<float>& out) {
  const std::size_t a = qkv.out, b = residual.out;
  std::vector<float> plain(count * width), scaled(count * width);
  for (std::size_t i = 0; i < count * width; ++i) {
    plain[i] = factor * rows[i];
    scaled[i] = gamma[i % width] * plain[i];
  }
  out.resize(count * (a + b));
  multiply(scaled.data(), width, count, width, qkv.kernel.data(), a, a, out.data(), a + b, kernel);
  multiply(plain.data(), width, count, width, residual.kernel.data(), b, b, out.data() + a, a + b, kernel);
}

}  // namespace

UseLiteInput::UseLiteInput(const UseLiteWeights& w, DenseKernel float_kernel)
    : vocab_rows_(w.vocab_rows),
      max_length_(w.max_length),
      width_(w.embedding_width),
      qkv_width_(w.layers[0].qkv.out),
      model_width_(w.model_width),
      epsilon_(w.norm_epsilon),
      embeddings_(w.embeddings),
      timing_(timing_signal(w.inv_timescales, w.max_length)) {
  const auto& layer = w.layers[0];
  const auto& gamma = layer.attention_norm.scale;
  project_rows(embeddings_, vocab_rows_, width_, gamma, 2.0f, layer.qkv, layer.residual, float_kernel, by_token_);
  project_rows(timing_, max_length_, width_, gamma, 1.0f, layer.qkv, layer.residual, float_kernel, by_position_);
  // g = gamma W and c = beta W + b: one row each.
  centre_.resize(qkv_width_);
  multiply(gamma.data(), width_, 1, width_, layer.qkv.kernel.data(), qkv_width_, qkv_width_, centre_.data(), qkv_width_,
           float_kernel);
  bias_.resize(qkv_width_ + model_width_);
  multiply(layer.attention_norm.bias.data(), width_, 1, width_, layer.qkv.kernel.data(), qkv_width_, qkv_width_,
           bias_.data(), qkv_width_, float_kernel);
  for (std::size_t j = 0; j < qkv_width_; ++j) bias_[j] += layer.qkv.bias[j];
  std::copy(layer.residual.bias.begin(), layer.residual.bias.end(), bias_.begin() + static_cast<std::ptrdiff_t>(qkv_width_));
}

void UseLiteInput::apply(const std::int32_t* ids, std::size_t tokens, float* qkv, float* residual) const {
  const std::size_t row = qkv_width_ + model_width_;
  std::vector<float> x(width_);
  for (std::size_t t = 0; t < tokens; ++t) {
    const auto id = static_cast<std::size_t>(ids[t]);
    const float* e = embeddings_.data() + id * width_;
    const float* p = timing_.data() + t * width_;
    for (std::size_t i = 0; i < width_; ++i) x[i] = (e[i] + e[i]) + p[i];
    const float mean = vec::sum(x.data(), width_) / static_cast<float>(width_);
    const float variance = vec::sum_squared_deviation(x.data(), width_, mean) / static_cast<float>(width_);
    const float inv = 1.0f / std::sqrt(variance + epsilon_);
    const float* token_row = by_token_.data() + id * row;
    const float* position_row = by_position_.data() + t * row;
    float* q = qkv + t * qkv_width_;
    for (std::size_t j = 0; j < qkv_width_; ++j) {
      q[j] = inv * (token_row[j] + position_row[j] - mean * centre_[j]) + bias_[j];
    }
    float* r = residual + t * model_width_;
    for (std::size_t j = 0; j < model_width_; ++j) {
      r[j] = token_row[qkv_width_ + j] + position_row[qkv_width_ + j] + bias_[qkv_width_ + j];
    }
  }
}

}  // namespace ragcache::embed
