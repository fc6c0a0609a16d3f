// The single flight suite (single_flight_suite.h) on one real redis-server.
#include "domain/cache/single_flight_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, SingleFlightTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
