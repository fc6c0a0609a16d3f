// The lock manager suite (lock_manager_suite.h) on one real redis-server.
#include "domain/cache/lock_manager_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, LockTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
