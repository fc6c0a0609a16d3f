// The semantic cache suite (semantic_cache_suite.h) on one real redis-server. (The server-only
// cases, with their own fixture, are in semantic_cache_itest.cc.)
#include "domain/semantic/semantic_cache_suite.h"

namespace ragcache::semantic {
namespace {

INSTANTIATE_TEST_SUITE_P(, SemanticSuiteTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::semantic
