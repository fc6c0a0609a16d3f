// The key store suite (key_store_suite.h) on a local Redis Cluster.
#include "domain/auth/key_store_suite.h"

namespace ragcache::auth {
namespace {

INSTANTIATE_TEST_SUITE_P(, KeyStoreTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::auth
