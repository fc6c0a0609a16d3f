// The script batcher suite (script_batcher_suite.h) on one real redis-server.
#include "domain/cache/script_batcher_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, ScriptBatcherTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
