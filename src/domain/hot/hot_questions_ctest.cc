// The hot questions suite (hot_questions_suite.h) on a local Redis Cluster (3 primaries + 3 replicas):
// every script and command must be cluster-safe (no CROSSSLOT), whichever node a key lands on.
#include "domain/hot/hot_questions_suite.h"

namespace ragcache::hot {
namespace {

INSTANTIATE_TEST_SUITE_P(, HotQuestionsTest, ::testing::Values(::ragcache::testing::Deployment::cluster),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::hot
