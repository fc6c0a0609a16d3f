// Multi-head self-attention over one text's tokens (no padding, no mask), as the USE-lite
// graph computes it: q scaled, softmax(q k^T) per head, times v, heads side by side. The two
// products per head run on dense_kernels.h's float32 kernels.
#pragma once

#include <cstddef>

#include "embed/dense_kernels.h"

namespace ragcache::embed {

// `qkv`: tokens rows of [q | k | v], each `width` wide (heads of width / heads side by side).
// `out`: tokens x width. Thread-safe (scratch is per thread).
void self_attention(const float* qkv, std::size_t tokens, std::size_t width, std::size_t heads, float query_scale,
                    float* out, DenseKernel kernel);

}  // namespace ragcache::embed
