// The hostile-tenant suite (hostile_tenant_suite.h) on a local Redis Cluster (3 primaries, 3 replicas).
#include "app/hostile_tenant_suite.h"

namespace ragcache {
namespace {

INSTANTIATE_TEST_SUITE_P(, HostileTenantTest, ::testing::Values(testing::Deployment::cluster), testing::deployment_name);

}  // namespace
}  // namespace ragcache
