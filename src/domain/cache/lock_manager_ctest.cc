// The lock manager suite (lock_manager_suite.h) on a local Redis Cluster (3 primaries + 3 replicas):
// every script and command must be cluster-safe (no CROSSSLOT), whichever node a key lands on.
#include "domain/cache/lock_manager_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, LockTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
