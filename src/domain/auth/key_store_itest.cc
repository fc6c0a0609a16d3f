// The key store suite (key_store_suite.h) on one real redis-server.
#include "domain/auth/key_store_suite.h"

namespace ragcache::auth {
namespace {

INSTANTIATE_TEST_SUITE_P(, KeyStoreTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::auth
