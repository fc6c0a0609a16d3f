// The hot questions suite (hot_questions_suite.h) on one real redis-server.
#include "domain/hot/hot_questions_suite.h"

namespace ragcache::hot {
namespace {

INSTANTIATE_TEST_SUITE_P(, HotQuestionsTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::hot
