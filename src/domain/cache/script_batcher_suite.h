// The ScriptBatcher suite, written once for any Redis deployment: script_batcher_itest.cc runs it
// on one redis-server, script_batcher_ctest.cc on a 6-node Redis Cluster.
//
// Group commit: concurrent calls travel as one script run per batch, each item still gets its
// own reply, a failing item fails alone, and on a cluster no batch mixes slots.
#pragma once

#include "domain/cache/script_batcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <algorithm>
#include <map>
#include <optional>

#include "domain/cache/cache_itest_support.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
using itest::sleep_for;
namespace asio = boost::asio;

// Per item: INCRBY its key by its arg, and tell how many items its run carried and the shared arg.
const redis::Script& batch_probe() {
  static const redis::Script script("batch_probe", R"(
local out = {}
for i = 1, #KEYS do
  local ok, r = pcall(redis.call, 'INCRBY', KEYS[i], ARGV[i + 1])
  out[i] = ok and {r, #KEYS, ARGV[1]} or redis.error_reply(type(r) == 'table' and r.err or tostring(r))
end
return out
)");
  return script;
}

class ScriptBatcherTest : public itest::CacheServerTest {
 protected:
  // Runs `n` calls started in the same turn of the io_context; key_of(i) names item i's key.
  template <class KeyOf>
  std::vector<std::optional<Result<redis::Reply>>> run_concurrently(ScriptBatcher& batcher, int n, KeyOf key_of) {
    std::vector<std::optional<Result<redis::Reply>>> got(n);
    testing::run_async(io_, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      for (int i = 0; i < n; ++i) {
        asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
          std::vector<std::string> keys{key_of(i)};
          std::vector<std::string> args{std::to_string(i + 1)};
          got[i] = co_await batcher.call(std::move(keys), std::move(args));
        }, asio::detached);
      }
      co_await testing::eventually([&] {
        return std::all_of(got.begin(), got.end(), [](const auto& g) { return g.has_value(); });
      }, 5s);
    }());
    return got;
  }
};

TEST_P(ScriptBatcherTest, ConcurrentCallsShareScriptRunsAndEachGetsItsOwnReply) {
  auto client = make_client();
  ScriptBatcher batcher(*client, batch_probe(), {.keys_per_item = 1, .args_per_item = 1, .max_items = 64},
                        {"shared"});
  // One hash tag: on a cluster too every item may join one batch.
  auto got = run_concurrently(batcher, 100, [&](int i) { return prefix_ + "{b}:" + std::to_string(i); });
  std::map<std::int64_t, int> items_per_run_size;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(got[i].has_value()) << "call " << i << " left hanging";
    ASSERT_TRUE(got[i]->has_value()) << got[i]->error().message();
    const auto& r = **got[i];
    ASSERT_TRUE(r.is_array() && r.elements.size() == 3) << r.debug_string();
    EXPECT_EQ(r.elements[0].integer, i + 1);  // its own key, its own arg
    EXPECT_EQ(r.elements[2].str, "shared");
    ++items_per_run_size[r.elements[1].integer];
  }
  // 100 calls queued in one turn: one full batch of 64 leaves at once, the other 36 together.
  EXPECT_EQ(items_per_run_size, (std::map<std::int64_t, int>{{36, 36}, {64, 64}}));
}

TEST_P(ScriptBatcherTest, AFailingItemFailsAloneAndALoneCallGoesAlone) {
  auto client = make_client();
  ScriptBatcher batcher(*client, batch_probe(), {.keys_per_item = 1, .args_per_item = 1}, {"shared"});
  const auto bad = prefix_ + "{b}:3";
  command({"HSET", bad, "f", "v"});  // INCRBY on a hash: WRONGTYPE for that item only
  auto got = run_concurrently(batcher, 8, [&](int i) { return prefix_ + "{b}:" + std::to_string(i); });
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(got[i].has_value());
    if (i == 3) {
      ASSERT_FALSE(got[i]->has_value());
      EXPECT_NE(got[i]->error().message().find("WRONGTYPE"), std::string::npos) << got[i]->error().message();
    } else {
      ASSERT_TRUE(got[i]->has_value()) << got[i]->error().message();
      EXPECT_EQ((**got[i]).elements[0].integer, i + 1);
      EXPECT_EQ((**got[i]).elements[1].integer, 8);
    }
  }
  auto lone = run_concurrently(batcher, 1, [&](int) { return prefix_ + "{b}:lone"; });
  ASSERT_TRUE(lone[0].has_value() && lone[0]->has_value());
  EXPECT_EQ((**lone[0]).elements[1].integer, 1);
}

TEST_P(ScriptBatcherTest, ItemsOfManySlotsAllSucceed) {
  // Keys without a shared tag: on a cluster they spread over the slots of every node, and a batch
  // mixing slots would fail with CROSSSLOT.
  auto client = make_client();
  ScriptBatcher batcher(*client, batch_probe(), {.keys_per_item = 1, .args_per_item = 1}, {"shared"});
  auto got = run_concurrently(batcher, 200, [&](int i) { return prefix_ + "k" + std::to_string(i); });
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(got[i].has_value());
    ASSERT_TRUE(got[i]->has_value()) << got[i]->error().message();
    EXPECT_EQ((**got[i]).elements[0].integer, i + 1);
  }
}

TEST_P(ScriptBatcherTest, AnItemOfTheWrongShapeIsRefused) {
  auto client = make_client();
  ScriptBatcher batcher(*client, batch_probe(), {.keys_per_item = 1, .args_per_item = 1});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<std::string> two_keys{prefix_ + "a", prefix_ + "b"};
    std::vector<std::string> one_arg{"1"};
    auto r = co_await batcher.call(std::move(two_keys), std::move(one_arg));
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().code, ragcache::Errc::invalid_argument);
    }
  }());
}

}  // namespace
}  // namespace ragcache::cache
