// The session store suite (session_store_suite.h) on one real redis-server.
#include "domain/session/session_store_suite.h"

namespace ragcache::session {
namespace {

INSTANTIATE_TEST_SUITE_P(, SessionStoreTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::session
