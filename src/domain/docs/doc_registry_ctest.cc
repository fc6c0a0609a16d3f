// The doc registry suite (doc_registry_suite.h) on a local Redis Cluster (3 primaries + 3 replicas):
// every script and command must be cluster-safe (no CROSSSLOT), whichever node a key lands on.
#include "domain/docs/doc_registry_suite.h"

namespace ragcache::docs {
namespace {

INSTANTIATE_TEST_SUITE_P(, DocRegistryTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::docs
