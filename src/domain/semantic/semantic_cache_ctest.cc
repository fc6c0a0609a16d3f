// The semantic cache suite (semantic_cache_suite.h) on a local Redis Cluster (3 primaries + 3
// replicas): entries, id sets, feeds, namespace registries and exact references spread over the
// nodes, so every command must stay inside its slot. Four cases: a cluster start costs ~2.6 s each.
#include "domain/semantic/semantic_cache_suite.h"

namespace ragcache::semantic {
namespace {

INSTANTIATE_TEST_SUITE_P(, SemanticSuiteTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::semantic
