// The rate limiter suite (rate_limiter_suite.h) on a local Redis Cluster (3 primaries + 3 replicas):
// every script and command must be cluster-safe (no CROSSSLOT), whichever node a key lands on.
#include "domain/limits/rate_limiter_suite.h"

namespace ragcache::limits {
namespace {

INSTANTIATE_TEST_SUITE_P(, RateLimiterTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::limits
