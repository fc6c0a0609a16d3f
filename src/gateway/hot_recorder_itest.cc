// HotRecorder against a real redis-server: batched counts reach the ranking, stop() flushes
// what is pending (graceful shutdown loses nothing), a full tally flushes early.
#include "gateway/hot_recorder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "redis/client.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache::gateway {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using ragcache::testing::RedisServer;
using ragcache::testing::run_async;

struct Fixture {
  Fixture() {
    redis::ClientOptions o;
    o.url = server.url();
    client = std::move(redis::Client::create(io.get_executor(), o).value());
    hot = std::make_unique<hot::HotQuestions>(*client,
                                                 hot::HotOptions{.key_prefix = ragcache::testing::key_prefix() + "hot:"});
  }
  std::vector<hot::HotQuestion> top(const std::string& ns) {
    auto r = run_async(io, hot->top(ns, std::chrono::hours(1), 10), 10s);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::vector<hot::HotQuestion>{};
  }
  // Runs the io_context until the ranking of ns has `want` questions (or a generous deadline).
  std::vector<hot::HotQuestion> top_when(const std::string& ns, std::size_t want) {
    std::vector<hot::HotQuestion> got;
    const auto deadline = std::chrono::steady_clock::now() + ragcache::testing::scaled(std::chrono::seconds(4));
    while (std::chrono::steady_clock::now() < deadline) {
      got = top(ns);
      if (got.size() >= want) break;
      io.restart();
      io.run_for(20ms);
    }
    return got;
  }
  RedisServer server;
  asio::io_context io;
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<hot::HotQuestions> hot;
};

TEST(HotRecorder, StopFlushesEverythingPending) {
  Fixture f;
  HotRecorder rec(*f.hot, f.io.get_executor(), {.interval = std::chrono::hours(1)});
  for (int i = 0; i < 3; ++i) rec.add("ns1", "What is RAG?");
  rec.add("ns1", "what is redis");
  rec.add("ns2", "what is rag");
  run_async(f.io, rec.stop(), 10s);
  auto top = f.top("ns1");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], (hot::HotQuestion{"what is rag", 3}));
  EXPECT_EQ(top[1], (hot::HotQuestion{"what is redis", 1}));
  EXPECT_EQ(f.top("ns2"), (std::vector<hot::HotQuestion>{{"what is rag", 1}}));
  EXPECT_EQ(rec.dropped(), 0u);
  run_async(f.io, rec.stop(), 10s);  // a second stop is harmless
}

TEST(HotRecorder, FlushesOnItsInterval) {
  Fixture f;
  HotRecorder rec(*f.hot, f.io.get_executor(), {.interval = 10ms});
  rec.add("ns", "first question");
  rec.add("ns", "first question");
  auto top = f.top_when("ns", 1);
  EXPECT_EQ(top, (std::vector<hot::HotQuestion>{{"first question", 2}}));
  EXPECT_GE(rec.batches_written(), 1u);
  run_async(f.io, rec.stop(), 10s);
}

TEST(HotRecorder, AFullTallyFlushesWithoutWaitingForTheInterval) {
  Fixture f;
  HotRecorder rec(*f.hot, f.io.get_executor(), {.interval = std::chrono::hours(1), .max_pending = 2});
  rec.add("ns", "one");
  rec.add("ns", "two");
  auto top = f.top_when("ns", 2);
  EXPECT_EQ(top.size(), 2u);
  run_async(f.io, rec.stop(), 10s);
}

TEST(HotRecorder, CountsFromManyThreadsAddUp) {
  Fixture f;
  HotRecorder rec(*f.hot, f.io.get_executor(), {.interval = std::chrono::hours(1)});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&rec] {
      for (int i = 0; i < 500; ++i) rec.add("ns", i % 2 ? "odd" : "even");
    });
  }
  for (auto& t : threads) t.join();
  run_async(f.io, rec.stop(), 10s);
  auto top = f.top("ns");  // a tie: in either order
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.question < b.question; });
  EXPECT_EQ(top, (std::vector<hot::HotQuestion>{{"even", 1000}, {"odd", 1000}}));
}

}  // namespace
}  // namespace ragcache::gateway
