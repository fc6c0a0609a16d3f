// PackedDense: y = x W + b for a batch of rows, the matrix products of the neural embedder.
//
// W is repacked once, at load, into the layout of the fastest kernel this CPU runs (chosen at
// run time, so one binary serves every x86-64 machine):
//   avx512_bf16 - W rounded to bfloat16, pairs of k interleaved, VDPBF16PS with float32
//                 accumulation: twice the products per instruction of float32 FMA and half the
//                 bytes to stream (W is ~8 MB per text in bf16, ~17 MB in float32). Rounding W
//                 and x to bf16 moves the final vectors by ~1e-5 in cosine (the reference test
//                 allows 1e-4);
//   avx512      - float32, 16-wide FMA;
//   avx2        - float32, 8-wide FMA;
//   generic     - plain C++ (whatever the compiler vectorises for the baseline target).
// RAGCACHE_EMBED_KERNEL=generic|avx2|avx512|avx512_bf16 forces one (for tests and benchmarks;
// a kernel the CPU lacks falls back to the best it has).
//
// Every kernel is deterministic: the same input gives bit-identical output on the same kernel.
// Different kernels differ in the last bits (bf16 in the 3rd-4th significant digit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ragcache::embed {

enum class DenseKernel { generic, avx2, avx512, avx512_bf16 };

std::string_view kernel_name(DenseKernel k);
// The best kernel this CPU supports, or RAGCACHE_EMBED_KERNEL's choice when it names one.
DenseKernel default_dense_kernel();
bool cpu_supports(DenseKernel k);

class PackedDense {
 public:
  PackedDense() = default;
  // `kernel` row-major [in][out], `bias` [out]. A kernel the CPU lacks is replaced by the best
  // one it has.
  PackedDense(const std::vector<float>& kernel, const std::vector<float>& bias, std::size_t in, std::size_t out,
              DenseKernel choice = default_dense_kernel());

  // y[r][j] = bias[j] + sum_k x[r][k] W[k][j] for r < rows; x is rows x in, y rows x out, both
  // row-major and dense. `relu`: max(0, .) on the way out. Thread-safe (const).
  void apply(const float* x, std::size_t rows, float* y, bool relu = false) const;

  std::size_t in() const { return in_; }
  std::size_t out() const { return out_; }
  DenseKernel kernel() const { return kernel_; }

 private:
  std::size_t in_ = 0, out_ = 0, panels_ = 0;
  DenseKernel kernel_ = DenseKernel::generic;
  std::vector<float> bias_;
  std::vector<float> w_;            // generic: [in][out]; float32 kernels: panels of kPanel columns
  std::vector<std::uint16_t> w16_;  // avx512_bf16: panels, k in pairs
};

// y = x W for a W that changes every call (attention's q k^T and p v): W (in x out, row stride
// ldw) is packed into per-thread scratch first. x has row stride ldx, y row stride ldy. Always
// float32 (avx512_bf16 runs the avx512 kernel).
void multiply(const float* x, std::size_t ldx, std::size_t rows, std::size_t in, const float* w, std::size_t ldw,
              std::size_t out, float* y, std::size_t ldy, DenseKernel kernel);

}  // namespace ragcache::embed
