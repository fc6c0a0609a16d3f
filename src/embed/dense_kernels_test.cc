#include "embed/dense_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace ragcache::embed {
namespace {

std::vector<float> random_values(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

struct Plain {
  std::vector<double> y;      // x W + b, in double
  std::vector<double> scale;  // sum_k |x_k w_kj| + |b_j|: what rounding errors are relative to
};

Plain plain_product(const std::vector<float>& x, std::size_t rows, const std::vector<float>& w,
                    const std::vector<float>& b, std::size_t in, std::size_t out, bool relu) {
  Plain p{std::vector<double>(rows * out), std::vector<double>(rows * out)};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < out; ++j) {
      double s = b.empty() ? 0.0 : b[j], scale = b.empty() ? 0.0 : std::abs(b[j]);
      for (std::size_t k = 0; k < in; ++k) {
        const double term = static_cast<double>(x[r * in + k]) * w[k * out + j];
        s += term;
        scale += std::abs(term);
      }
      p.y[r * out + j] = relu ? std::max(s, 0.0) : s;
      p.scale[r * out + j] = scale;
    }
  }
  return p;
}

// Worst error relative to the magnitudes summed.
double worst_error(const std::vector<float>& got, const Plain& want) {
  double worst = 0;
  for (std::size_t i = 0; i < want.y.size(); ++i) {
    worst = std::max(worst, std::abs(got[i] - want.y[i]) / (want.scale[i] + 1e-6));
  }
  return worst;
}

// bf16 keeps 8 significant bits of x and of W: each product is off by at most ~2^-8.
double tolerance(DenseKernel k) { return k == DenseKernel::avx512_bf16 ? 1.0 / 128 : 1e-5; }

std::vector<DenseKernel> supported_kernels() {
  std::vector<DenseKernel> out;
  for (auto k : {DenseKernel::generic, DenseKernel::avx2, DenseKernel::avx512, DenseKernel::avx512_bf16}) {
    if (cpu_supports(k)) out.push_back(k);
  }
  return out;
}

TEST(DenseKernelsTest, EveryKernelComputesTheProductForAwkwardShapes) {
  std::mt19937 rng(1);
  const std::pair<std::size_t, std::size_t> shapes[] = {{1, 1}, {3, 5}, {17, 33}, {64, 48}, {31, 100}, {256, 512}};
  for (auto kernel : supported_kernels()) {
    for (auto [in, out] : shapes) {
      const auto w = random_values(in * out, rng), b = random_values(out, rng);
      const PackedDense dense(w, b, in, out, kernel);
      EXPECT_EQ(dense.kernel(), kernel);
      for (std::size_t rows : {1, 2, 5, 12, 13, 25}) {
        for (bool relu : {false, true}) {
          const auto x = random_values(rows * in, rng);
          std::vector<float> y(rows * out, -7.0f);
          dense.apply(x.data(), rows, y.data(), relu);
          EXPECT_LE(worst_error(y, plain_product(x, rows, w, b, in, out, relu)), tolerance(kernel))
              << kernel_name(kernel) << " in " << in << " out " << out << " rows " << rows << " relu " << relu;
        }
      }
    }
  }
}

TEST(DenseKernelsTest, MultiplyHonoursRowStrides) {
  std::mt19937 rng(2);
  const std::size_t rows = 7, in = 19, out = 37, ldx = 23, ldw = 41, ldy = 50;
  const auto x = random_values(rows * ldx, rng), w = random_values(in * ldw, rng);
  std::vector<float> xs(rows * in), ws(in * out);
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(x.data() + r * ldx, in, xs.data() + r * in);
  for (std::size_t k = 0; k < in; ++k) std::copy_n(w.data() + k * ldw, out, ws.data() + k * out);
  const auto want = plain_product(xs, rows, ws, {}, in, out, false).y;
  for (auto kernel : supported_kernels()) {
    std::vector<float> y(rows * ldy, 42.0f);
    multiply(x.data(), ldx, rows, in, w.data(), ldw, out, y.data(), ldy, kernel);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t j = 0; j < ldy; ++j) {
        if (j < out) {
          EXPECT_NEAR(y[r * ldy + j], want[r * out + j], 1e-4) << kernel_name(kernel);
        } else {
          EXPECT_EQ(y[r * ldy + j], 42.0f) << "wrote past the row's " << out << " columns";
        }
      }
    }
  }
}

TEST(DenseKernelsTest, SameInputGivesBitIdenticalOutput) {
  std::mt19937 rng(3);
  const auto w = random_values(64 * 96, rng), b = random_values(96, rng), x = random_values(9 * 64, rng);
  for (auto kernel : supported_kernels()) {
    const PackedDense dense(w, b, 64, 96, kernel);
    std::vector<float> y1(9 * 96), y2(9 * 96);
    dense.apply(x.data(), 9, y1.data());
    dense.apply(x.data(), 9, y2.data());
    EXPECT_EQ(y1, y2) << kernel_name(kernel);
  }
}

TEST(DenseKernelsTest, EnvironmentCanForceAKernelAndUnknownNamesAreIgnored) {
  const char* before = std::getenv("RAGCACHE_EMBED_KERNEL");
  const std::string saved = before ? before : "";
  ::setenv("RAGCACHE_EMBED_KERNEL", "generic", 1);
  EXPECT_EQ(default_dense_kernel(), DenseKernel::generic);
  ::setenv("RAGCACHE_EMBED_KERNEL", "no-such-kernel", 1);
  const DenseKernel best = default_dense_kernel();
  EXPECT_TRUE(cpu_supports(best));
  ::unsetenv("RAGCACHE_EMBED_KERNEL");
  EXPECT_EQ(default_dense_kernel(), best);
  if (before) ::setenv("RAGCACHE_EMBED_KERNEL", saved.c_str(), 1);
}

}  // namespace
}  // namespace ragcache::embed
