// The script batcher suite (script_batcher_suite.h) on a local Redis Cluster: batches are built
// per slot, so no script call crosses slots.
#include "domain/cache/script_batcher_suite.h"

namespace ragcache::cache {
namespace {

INSTANTIATE_TEST_SUITE_P(, ScriptBatcherTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
