// The session store suite (session_store_suite.h) on a local Redis Cluster (3 primaries + 3 replicas):
// every script and command must be cluster-safe (no CROSSSLOT), whichever node a key lands on.
#include "domain/session/session_store_suite.h"

namespace ragcache::session {
namespace {

INSTANTIATE_TEST_SUITE_P(, SessionStoreTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::session
