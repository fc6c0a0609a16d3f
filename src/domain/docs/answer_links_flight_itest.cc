// Document-driven invalidation while an answer built on the document is being generated through
// single-flight, composed the way the gateway composes it: snapshot the sources' versions, key
// the answer by them, generate through the flight, then link_stored(). An invalidation of the
// document during the generation moves its version on, so the answer is deleted as soon as the
// flight stored it, and no later request can reach it (their keys carry the new version).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "base/random.h"
#include "base/sleep.h"
#include "domain/cache/single_flight.h"
#include "domain/docs/doc_registry.h"
#include "support/deployment_test.h"

namespace ragcache::docs {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

class AnswerLinksFlightTest : public testing::DeploymentTest {};

cache::CacheKey key_on(const SourceSnapshot& snap, const std::string& question) {
  cache::CanonicalRequest r;
  r.tenant = "t1";
  r.model = "m";
  r.messages = {{"user", question, ""}};
  std::string versions;
  for (const auto& [id, version] : snap.docs) versions += id + "@" + std::to_string(version) + ",";
  r.params.emplace_back("x-source-docs", versions);
  return *cache::make_cache_key(r);
}

TEST_P(AnswerLinksFlightTest, DocumentInvalidatedDuringTheFlightLeavesNoAnswerBehind) {
  DocRegistryOptions options;
  options.links.prefixes = {prefix_ + "doc:", prefix_ + "lock:doc:"};
  DocRegistry docs(*client_, *client_, options);
  cache::ExactCache exact(*client_, cache::ExactCacheOptions{.key_prefix = prefix_});
  cache::SingleFlight flight(exact);
  const std::string doc = "handbook-" + random_token().substr(0, 8);
  // (Ids as a named vector: GCC 12 miscompiles braced lists of std::string in coroutines.)
  std::vector<std::string> ids;
  ids.push_back(doc);
  run([&]() -> asio::awaitable<void> {
    auto snap = co_await docs.links().snapshot(ids);
    EXPECT_TRUE(snap);
    if (!snap) co_return;
    const auto key = key_on(*snap, "what does the handbook say?");
    std::optional<Result<cache::FlightResult>> answered;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      answered = co_await flight.get_or_compute(key, []() -> asio::awaitable<Result<cache::ComputeOutput>> {
        co_await sleep_for(400ms);
        co_return cache::ComputeOutput{"built on the old handbook"};
      });
    }, asio::detached);
    co_await sleep_for(100ms);  // mid-generation
    auto invalidated = co_await docs.links().invalidate_doc(doc);
    EXPECT_TRUE(invalidated.has_value());
    while (!answered) co_await sleep_for(10ms);
    EXPECT_TRUE(*answered && (*answered)->value == "built on the old handbook");  // its caller still gets it
    const std::string answer_key = exact.keys().exact(key.ns, key.hash);
    auto linked = co_await docs.links().link_stored(answer_key, *snap);
    EXPECT_TRUE(linked && *linked == LinkOutcome::stale);
    EXPECT_EQ(redis_cmd({"EXISTS", answer_key}), "0") << "the answer outlived its document's invalidation";
    // A request made now snapshots the new version: another key, so the old answer is unreachable.
    auto now = co_await docs.links().snapshot(ids);
    EXPECT_TRUE(now && now->docs[0].second != snap->docs[0].second);
    if (now) {
      EXPECT_NE(key_on(*now, "what does the handbook say?").hash, key.hash);
    }
  }());
}

INSTANTIATE_TEST_SUITE_P(, AnswerLinksFlightTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::docs
