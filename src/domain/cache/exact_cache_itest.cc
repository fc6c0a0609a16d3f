// The exact cache suite (exact_cache_suite.h) on one real redis-server.
#include "domain/cache/exact_cache_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, ExactCacheTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
