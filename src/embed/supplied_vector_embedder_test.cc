#include "embed/supplied_vector_embedder.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <limits>

namespace ragcache::embed {
namespace {

TEST(SuppliedVectorEmbedder, NormalisesValidVectors) {
  auto e = SuppliedVectorEmbedder::create("my-model", 2).value();
  EXPECT_EQ(e->model_id(), "my-model");
  EXPECT_EQ(e->dimension(), 2u);
  auto v = e->accept(std::vector<float>{3, 4});
  ASSERT_TRUE(v);
  EXPECT_FLOAT_EQ((*v)[0], 0.6f);
  EXPECT_FLOAT_EQ((*v)[1], 0.8f);
}

TEST(SuppliedVectorEmbedder, RejectsBadVectorsAndSettings) {
  EXPECT_FALSE(SuppliedVectorEmbedder::create("", 2));
  EXPECT_FALSE(SuppliedVectorEmbedder::create("m", 0));
  auto e = SuppliedVectorEmbedder::create("m", 2).value();
  auto wrong = e->accept(std::vector<float>{1, 2, 3});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().detail.find("must have 2 components"), std::string::npos);
  EXPECT_FALSE(e->accept(std::vector<float>{0, 0}));
  EXPECT_FALSE(e->accept(std::vector<float>{std::numeric_limits<float>::quiet_NaN(), 1}));
}

TEST(SuppliedVectorEmbedder, DoesNotEmbedText) {
  auto e = SuppliedVectorEmbedder::create("m", 2).value();
  boost::asio::io_context io;
  const std::vector<std::string> texts{"hello"};
  Result<std::vector<Vector>> result = std::vector<Vector>{};
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result = co_await e->embed(texts); }, boost::asio::detached);
  io.run();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, make_error_code(Errc::invalid_argument));
}

}  // namespace
}  // namespace ragcache::embed
