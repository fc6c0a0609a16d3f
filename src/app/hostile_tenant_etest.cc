// The hostile-tenant suite (hostile_tenant_suite.h) on one real redis-server.
#include "app/hostile_tenant_suite.h"

namespace ragcache {
namespace {

INSTANTIATE_TEST_SUITE_P(, HostileTenantTest, ::testing::Values(testing::Deployment::server), testing::deployment_name);

}  // namespace
}  // namespace ragcache
