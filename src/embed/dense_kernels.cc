#include "embed/dense_kernels.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ragcache::embed {
namespace {

// Columns per packed panel: two registers' worth of float32 outputs.
constexpr std::size_t kPanelAvx512 = 32;
constexpr std::size_t kPanelAvx2 = 16;
// Rows per register tile: accumulators (2 per row) must fit the register file with room for W.
constexpr int kRowsAvx512 = 12;  // 24 of 32 zmm
constexpr int kRowsAvx2 = 6;     // 12 of 16 ymm

std::size_t panel_width(DenseKernel k) {
  return k == DenseKernel::avx2 ? kPanelAvx2 : kPanelAvx512;
}

// Round-to-nearest-even float32 -> bfloat16 (what VCVTNE2PS2BF16 does for normal numbers).
std::uint16_t to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7f800000u) == 0x7f800000u) return static_cast<std::uint16_t>(u >> 16);  // inf/nan: truncate
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>(u >> 16);
}

// The part of a tile beyond `cols` is computed into a scratch tile and dropped: only the last
// panel of a matrix whose width is not a multiple of the panel has such columns.
void store_tile(const float* tile, std::size_t rows, std::size_t width, float* y, std::size_t ldy, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) std::memcpy(y + r * ldy, tile + r * width, cols * sizeof(float));
}

// ---- generic ---------------------------------------------------------------------------------

void apply_generic(const std::vector<float>& w, const std::vector<float>& bias, std::size_t in, std::size_t out,
                   const float* x, std::size_t rows, float* y, bool relu) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* yr = y + r * out;
    std::copy(bias.begin(), bias.begin() + static_cast<std::ptrdiff_t>(out), yr);
    const float* xr = x + r * in;
    for (std::size_t k = 0; k < in; ++k) {
      const float a = xr[k];
      const float* wk = w.data() + k * out;
      for (std::size_t j = 0; j < out; ++j) yr[j] += a * wk[j];
    }
    if (relu) {
      for (std::size_t j = 0; j < out; ++j) yr[j] = std::max(yr[j], 0.0f);
    }
  }
}

// ---- AVX-512 float32 ---------------------------------------------------------------------------

template <int MR>
__attribute__((target("avx512f"))) void tile_avx512(const float* x, std::size_t ldx, std::size_t in, const float* panel,
                                                   const float* bias, float* y, std::size_t ldy, bool relu) {
  __m512 acc[MR][2];
  const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  for (std::size_t k = 0; k < in; ++k) {
    const __m512 w0 = _mm512_loadu_ps(panel + k * kPanelAvx512);
    const __m512 w1 = _mm512_loadu_ps(panel + k * kPanelAvx512 + 16);
    for (int r = 0; r < MR; ++r) {
      const __m512 a = _mm512_set1_ps(x[static_cast<std::size_t>(r) * ldx + k]);
      acc[r][0] = _mm512_fmadd_ps(a, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, w1, acc[r][1]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
  for (int r = 0; r < MR; ++r) {
    if (relu) {
      acc[r][0] = _mm512_maskz_max_ps(0xFFFF, acc[r][0], zero);
      acc[r][1] = _mm512_maskz_max_ps(0xFFFF, acc[r][1], zero);
    }
    _mm512_storeu_ps(y + static_cast<std::size_t>(r) * ldy, acc[r][0]);
    _mm512_storeu_ps(y + static_cast<std::size_t>(r) * ldy + 16, acc[r][1]);
  }
}

// ---- AVX2 float32 ------------------------------------------------------------------------------

template <int MR>
__attribute__((target("avx2,fma"))) void tile_avx2(const float* x, std::size_t ldx, std::size_t in, const float* panel,
                                                  const float* bias, float* y, std::size_t ldy, bool relu) {
  __m256 acc[MR][2];
  const __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  for (std::size_t k = 0; k < in; ++k) {
    const __m256 w0 = _mm256_loadu_ps(panel + k * kPanelAvx2);
    const __m256 w1 = _mm256_loadu_ps(panel + k * kPanelAvx2 + 8);
    for (int r = 0; r < MR; ++r) {
      const __m256 a = _mm256_broadcast_ss(x + static_cast<std::size_t>(r) * ldx + k);
      acc[r][0] = _mm256_fmadd_ps(a, w0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, w1, acc[r][1]);
    }
  }
  const __m256 zero = _mm256_setzero_ps();
  for (int r = 0; r < MR; ++r) {
    if (relu) {
      acc[r][0] = _mm256_max_ps(acc[r][0], zero);
      acc[r][1] = _mm256_max_ps(acc[r][1], zero);
    }
    _mm256_storeu_ps(y + static_cast<std::size_t>(r) * ldy, acc[r][0]);
    _mm256_storeu_ps(y + static_cast<std::size_t>(r) * ldy + 8, acc[r][1]);
  }
}

// ---- AVX-512 BF16 ------------------------------------------------------------------------------

// x (rows x in float32) -> bf16 pairs, each row padded to `in_pairs` * 2 with zeros.
__attribute__((target("avx512f,avx512bf16"))) void rows_to_bf16(const float* x, std::size_t rows, std::size_t in,
                                                                std::size_t in_pairs, std::uint16_t* out) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* src = x + r * in;
    std::uint16_t* dst = out + r * in_pairs * 2;
    std::size_t k = 0;
    for (; k + 32 <= in; k += 32) {
      const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + k + 16), _mm512_loadu_ps(src + k));
      _mm512_storeu_si512(dst + k, reinterpret_cast<const __m512i&>(v));
    }
    for (; k < in; ++k) dst[k] = to_bf16(src[k]);
    for (; k < in_pairs * 2; ++k) dst[k] = 0;
  }
}

// The rows of a product split into blocks of at most kRows, as even as possible: a block of few
// rows has too few independent accumulators to hide the multiply latency (16 rows = 8 + 8 runs
// faster than 12 + 4).
template <int kRows>
std::size_t block_rows(std::size_t rows, std::size_t start) {
  const std::size_t blocks = (rows + kRows - 1) / kRows;
  const std::size_t base = rows / blocks, extra = rows % blocks;
  // Block i has base + 1 rows for i < extra, then base rows: the block starting at `start`.
  const std::size_t big = extra * (base + 1);
  return start < big ? base + 1 : base;
}

// Row-major bf16 rows (count x pairs k-pairs) -> the row blocks of for_row_blocks, each k-pair-
// major: a block holds, for every k-pair p, its rows' pairs side by side.
template <int kRows>
void interleave_rows(const std::uint32_t* rows, std::size_t count, std::size_t pairs, std::uint32_t* out) {
  for (std::size_t r0 = 0; r0 < count;) {
    const std::size_t mr = block_rows<kRows>(count, r0);
    std::uint32_t* dst = out + r0 * pairs;
    for (std::size_t p = 0; p < pairs; ++p) {
      for (std::size_t r = 0; r < mr; ++r) dst[p * mr + r] = rows[(r0 + r) * pairs + p];
    }
    r0 += mr;
  }
}

template <int MR>
__attribute__((target("avx512f,avx512bf16"))) void tile_bf16(const std::uint16_t* x, std::size_t in_pairs,
                                                            const std::uint16_t* panel, const float* bias, float* y,
                                                            std::size_t ldy, bool relu) {
  __m512 acc[MR][2];
  const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  // x is this block's rows interleaved by k-pair (interleave_rows): the MR pairs of one k-pair
  // sit side by side, so every broadcast reads from one pointer at a fixed offset.
  const auto* xp = reinterpret_cast<const std::uint32_t*>(x);
  for (std::size_t p = 0; p < in_pairs; ++p) {
    const __m512i w0 = _mm512_loadu_si512(panel + p * 2 * kPanelAvx512);
    const __m512i w1 = _mm512_loadu_si512(panel + p * 2 * kPanelAvx512 + kPanelAvx512);
    const std::uint32_t* pairs_here = xp + p * MR;
    for (int r = 0; r < MR; ++r) {
      std::uint32_t pair;
      std::memcpy(&pair, pairs_here + r, sizeof pair);
      const __m512i a = _mm512_set1_epi32(static_cast<int>(pair));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], reinterpret_cast<const __m512bh&>(a), reinterpret_cast<const __m512bh&>(w0));
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], reinterpret_cast<const __m512bh&>(a), reinterpret_cast<const __m512bh&>(w1));
    }
  }
  const __m512 zero = _mm512_setzero_ps();
  for (int r = 0; r < MR; ++r) {
    if (relu) {
      acc[r][0] = _mm512_maskz_max_ps(0xFFFF, acc[r][0], zero);
      acc[r][1] = _mm512_maskz_max_ps(0xFFFF, acc[r][1], zero);
    }
    _mm512_storeu_ps(y + static_cast<std::size_t>(r) * ldy, acc[r][0]);
    _mm512_storeu_ps(y + static_cast<std::size_t>(r) * ldy + 16, acc[r][1]);
  }
}

// Runs `tile<MR>` over every row block of one panel, each instantiated for its exact row count.
template <int kRows, class TileFn>
void for_row_blocks(std::size_t rows, TileFn&& tile) {
  for (std::size_t r = 0; r < rows;) {
    const std::size_t mr = block_rows<kRows>(rows, r);
    [&]<int... I>(std::integer_sequence<int, I...>) {
      ((mr == static_cast<std::size_t>(I + 1) ? (tile(std::integral_constant<int, I + 1>{}, r), 0) : 0), ...);
    }(std::make_integer_sequence<int, kRows>{});
    r += mr;
  }
}

}  // namespace

std::string_view kernel_name(DenseKernel k) {
  switch (k) {
    case DenseKernel::generic: return "generic";
    case DenseKernel::avx2: return "avx2";
    case DenseKernel::avx512: return "avx512";
    case DenseKernel::avx512_bf16: return "avx512_bf16";
  }
  return "generic";
}

bool cpu_supports(DenseKernel k) {
  __builtin_cpu_init();
  switch (k) {
    case DenseKernel::generic: return true;
    case DenseKernel::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DenseKernel::avx512: return __builtin_cpu_supports("avx512f");
    case DenseKernel::avx512_bf16: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
  }
  return false;
}

DenseKernel default_dense_kernel() {
  if (const char* forced = std::getenv("RAGCACHE_EMBED_KERNEL")) {
    for (auto k : {DenseKernel::generic, DenseKernel::avx2, DenseKernel::avx512, DenseKernel::avx512_bf16}) {
      if (kernel_name(k) == forced && cpu_supports(k)) return k;
    }
  }
  for (auto k : {DenseKernel::avx512_bf16, DenseKernel::avx512, DenseKernel::avx2}) {
    if (cpu_supports(k)) return k;
  }
  return DenseKernel::generic;
}

PackedDense::PackedDense(const std::vector<float>& kernel, const std::vector<float>& bias, std::size_t in,
                         std::size_t out, DenseKernel choice)
    : in_(in), out_(out), kernel_(choice) {
  while (!cpu_supports(kernel_)) kernel_ = static_cast<DenseKernel>(static_cast<int>(kernel_) - 1);
  if (kernel_ == DenseKernel::generic) {
    w_ = kernel;
    bias_ = bias;
    return;
  }
  const std::size_t width = panel_width(kernel_);
  panels_ = (out + width - 1) / width;
  bias_.assign(panels_ * width, 0.0f);
  std::copy(bias.begin(), bias.end(), bias_.begin());
  auto weight = [&](std::size_t k, std::size_t col) { return k < in && col < out ? kernel[k * out + col] : 0.0f; };
  if (kernel_ == DenseKernel::avx512_bf16) {
    const std::size_t pairs = (in + 1) / 2;
    w16_.resize(panels_ * pairs * 2 * width);
    for (std::size_t p = 0; p < panels_; ++p) {
      for (std::size_t q = 0; q < pairs; ++q) {
        std::uint16_t* dst = w16_.data() + (p * pairs + q) * 2 * width;
        for (std::size_t c = 0; c < width; ++c) {
          dst[2 * c] = to_bf16(weight(2 * q, p * width + c));
          dst[2 * c + 1] = to_bf16(weight(2 * q + 1, p * width + c));
        }
      }
    }
    return;
  }
  w_.resize(panels_ * in * width);
  for (std::size_t p = 0; p < panels_; ++p) {
    for (std::size_t k = 0; k < in; ++k) {
      for (std::size_t c = 0; c < width; ++c) w_[(p * in + k) * width + c] = weight(k, p * width + c);
    }
  }
}

namespace {

// The float32 kernels over packed panels: y (rows x out, row stride ldy) = x (row stride ldx) W + bias.
void float_panels(DenseKernel kernel, const float* x, std::size_t ldx, std::size_t rows, std::size_t in,
                  const float* panels, std::size_t out, const float* bias, float* y, std::size_t ldy, bool relu) {
  const std::size_t width = panel_width(kernel);
  thread_local std::vector<float> scratch;  // for a last panel narrower than `width`
  for (std::size_t col = 0; col < out; col += width) {
    const std::size_t cols = std::min(width, out - col);
    float* target = y + col;
    std::size_t ld = ldy;
    if (cols < width) {
      if (scratch.size() < rows * width) scratch.resize(rows * width);
      target = scratch.data();
      ld = width;
    }
    const float* panel = panels + (col / width) * in * width;
    if (kernel == DenseKernel::avx512) {
      for_row_blocks<kRowsAvx512>(rows, [&](auto mr, std::size_t r) {
        tile_avx512<decltype(mr)::value>(x + r * ldx, ldx, in, panel, bias + col, target + r * ld, ld, relu);
      });
    } else {
      for_row_blocks<kRowsAvx2>(rows, [&](auto mr, std::size_t r) {
        tile_avx2<decltype(mr)::value>(x + r * ldx, ldx, in, panel, bias + col, target + r * ld, ld, relu);
      });
    }
    if (cols < width) store_tile(scratch.data(), rows, width, y + col, ldy, cols);
  }
}

}  // namespace

void PackedDense::apply(const float* x, std::size_t rows, float* y, bool relu) const {
  if (rows == 0) return;
  if (kernel_ == DenseKernel::generic) {
    apply_generic(w_, bias_, in_, out_, x, rows, y, relu);
    return;
  }
  if (kernel_ != DenseKernel::avx512_bf16) {
    float_panels(kernel_, x, in_, rows, in_, w_.data(), out_, bias_.data(), y, out_, relu);
    return;
  }
  // Per-thread scratch, grown to the largest call and kept: no allocation per product.
  thread_local std::vector<std::uint16_t> row_major, x16;
  thread_local std::vector<float> scratch;  // for a last panel narrower than the panel
  const std::size_t width = kPanelAvx512, pairs = (in_ + 1) / 2;
  if (x16.size() < rows * pairs * 2) {
    x16.resize(rows * pairs * 2);
    row_major.resize(rows * pairs * 2);
  }
  rows_to_bf16(x, rows, in_, pairs, row_major.data());
  interleave_rows<kRowsAvx512>(reinterpret_cast<const std::uint32_t*>(row_major.data()), rows, pairs,
                               reinterpret_cast<std::uint32_t*>(x16.data()));
  for (std::size_t p = 0; p < panels_; ++p) {
    const std::size_t col = p * width;
    const std::size_t cols = std::min(width, out_ - col);
    float* target = y + col;
    std::size_t ldy = out_;
    if (cols < width) {
      if (scratch.size() < rows * width) scratch.resize(rows * width);
      target = scratch.data();
      ldy = width;
    }
    const std::uint16_t* panel = w16_.data() + p * pairs * 2 * width;
    for_row_blocks<kRowsAvx512>(rows, [&](auto mr, std::size_t r) {
      tile_bf16<decltype(mr)::value>(x16.data() + r * pairs * 2, pairs, panel, bias_.data() + col, target + r * ldy, ldy,
                                     relu);
    });
    if (cols < width) store_tile(scratch.data(), rows, width, y + col, out_, cols);
  }
}

void multiply(const float* x, std::size_t ldx, std::size_t rows, std::size_t in, const float* w, std::size_t ldw,
              std::size_t out, float* y, std::size_t ldy, DenseKernel kernel) {
  if (rows == 0 || out == 0) return;
  if (kernel == DenseKernel::avx512_bf16) kernel = DenseKernel::avx512;
  while (!cpu_supports(kernel)) kernel = static_cast<DenseKernel>(static_cast<int>(kernel) - 1);
  if (kernel == DenseKernel::generic) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* yr = y + r * ldy;
      std::fill(yr, yr + out, 0.0f);
      for (std::size_t k = 0; k < in; ++k) {
        const float a = x[r * ldx + k];
        for (std::size_t j = 0; j < out; ++j) yr[j] += a * w[k * ldw + j];
      }
    }
    return;
  }
  const std::size_t width = panel_width(kernel), panels = (out + width - 1) / width;
  thread_local std::vector<float> packed, zeros;
  if (packed.size() < panels * in * width) packed.resize(panels * in * width);
  if (zeros.size() < panels * width) zeros.resize(panels * width, 0.0f);
  for (std::size_t p = 0; p < panels; ++p) {
    for (std::size_t k = 0; k < in; ++k) {
      float* dst = packed.data() + (p * in + k) * width;
      const std::size_t col = p * width, cols = std::min(width, out - col);
      std::copy_n(w + k * ldw + col, cols, dst);
      std::fill(dst + cols, dst + width, 0.0f);
    }
  }
  float_panels(kernel, x, ldx, rows, in, packed.data(), out, zeros.data(), y, ldy, false);
}

}  // namespace ragcache::embed
