#include "gateway/embeddings_api.h"

#include <gtest/gtest.h>


namespace ragcache::gateway {
namespace {

TEST(EmbeddingsApi, CacheScopeSeparatesTenantsModelsAndDimensions) {
  openai::EmbeddingsRequest r{.model = "m", .inputs = {"x"}};
  EXPECT_EQ(embeddings_cache_scope("abc", r), "tabc.m");
  EXPECT_EQ(embeddings_cache_scope("abd", r), "tabd.m");
  r.dimensions = 64;
  EXPECT_EQ(embeddings_cache_scope("abc", r), "tabc.m@64");
}

}  // namespace
}  // namespace ragcache::gateway
