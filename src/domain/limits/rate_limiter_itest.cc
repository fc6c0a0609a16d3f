// The rate limiter suite (rate_limiter_suite.h) on one real redis-server.
#include "domain/limits/rate_limiter_suite.h"

namespace ragcache::limits {
namespace {

INSTANTIATE_TEST_SUITE_P(, RateLimiterTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::limits
