// The token quota suite (token_quota_suite.h) on one real redis-server.
#include "domain/limits/token_quota_suite.h"

namespace ragcache::limits {
namespace {

INSTANTIATE_TEST_SUITE_P(, TokenQuotaTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::limits
