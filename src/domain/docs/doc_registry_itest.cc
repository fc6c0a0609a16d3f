// The doc registry suite (doc_registry_suite.h) on one real redis-server.
#include "domain/docs/doc_registry_suite.h"

namespace ragcache::docs {
namespace {

INSTANTIATE_TEST_SUITE_P(, DocRegistryTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::docs
