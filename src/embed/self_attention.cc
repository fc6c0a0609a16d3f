#include "embed/self_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ragcache::embed {

void self_attention(const float* qkv, std::size_t tokens, std::size_t width, std::size_t heads, float query_scale,
                    float* out, DenseKernel kernel) {
  const std::size_t head_width = width / heads;
  const std::size_t row = 3 * width;
  thread_local std::vector<float> queries, keys, weights;
  queries.resize(tokens * head_width);
  keys.resize(head_width * tokens);
  weights.resize(tokens * tokens);
  for (std::size_t h = 0; h < heads; ++h) {
    const std::size_t q_at = h * head_width, k_at = width + h * head_width, v_at = 2 * width + h * head_width;
    for (std::size_t t = 0; t < tokens; ++t) {
      for (std::size_t i = 0; i < head_width; ++i) {
        queries[t * head_width + i] = qkv[t * row + q_at + i] * query_scale;  // scaled first, as the graph does
        keys[i * tokens + t] = qkv[t * row + k_at + i];
      }
    }
    multiply(queries.data(), head_width, tokens, head_width, keys.data(), tokens, tokens, weights.data(), tokens, kernel);
    for (std::size_t t = 0; t < tokens; ++t) {
      float* w = weights.data() + t * tokens;
      const float top = *std::max_element(w, w + tokens);
      float total = 0.0f;
      for (std::size_t s = 0; s < tokens; ++s) {
        w[s] = std::exp(w[s] - top);
        total += w[s];
      }
      for (std::size_t s = 0; s < tokens; ++s) w[s] /= total;
    }
    multiply(weights.data(), tokens, tokens, tokens, qkv + v_at, row, head_width, out + q_at, width, kernel);
  }
}

}  // namespace ragcache::embed
