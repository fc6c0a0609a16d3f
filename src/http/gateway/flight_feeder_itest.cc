// stream_chat_into_flight against an in-process mock-llm, with a sink that is slower than the
// upstream (as Redis round trips are): every event arrives, in order, and a failing push ends
// the call with its error.
#include "http/gateway/flight_feeder.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "domain/cache/errors.h"
#include "http/testing/mock_llm_server.h"
#include "support/async_test.h"

namespace ragcache::gateway {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

// Records what is pushed; each push takes `delay` (a Redis round trip); push number `fail_at`
// (1-based, 0 = never) fails as a lost lease does.
class SlowSink final : public cache::ChunkSink {
 public:
  SlowSink(std::chrono::milliseconds delay, int fail_at = 0) : delay_(delay), fail_at_(fail_at) {}
  asio::awaitable<Result<void>> push(std::string chunk) override {
    asio::steady_timer t(co_await asio::this_coro::executor, delay_);
    co_await t.async_wait(asio::use_awaitable);
    if (++pushes == fail_at_) co_return Error(cache::Errc::lock_lost, "lease lost (test)");
    received += chunk;
    co_return Result<void>();
  }
  void set_completion(cache::Completion) override {}
  std::string received;
  int pushes = 0;

 private:
  std::chrono::milliseconds delay_;
  int fail_at_;
};

http::MockLlmOptions paced() {
  http::MockLlmOptions o;
  o.tokens_per_sec = 2000;  // a token every 0.5 ms: the sink (a few ms per push) is slower
  o.answer_tokens = 40;
  return o;
}

json::object chat_body() {
  return json::parse(R"({"model":"mock-gpt","messages":[{"role":"user","content":"Tell me about caches."}]})")
      .as_object();
}

struct Fixture {
  explicit Fixture(http::MockLlmOptions o) : m(o) {
    http::UpstreamOptions u;
    u.base_url = m.server.base_url();
    upstream = *http::UpstreamClient::create(io.get_executor(), u);
  }
  http::testing::MockLlmServer m;
  asio::io_context io;
  std::shared_ptr<http::UpstreamClient> upstream;
};

TEST(FlightFeeder, EveryEventReachesASlowSinkInOrder) {
  Fixture f(paced());
  // What the plain call produces, event by event.
  std::string expected;
  EventSink collect = [&expected](std::string ev) -> asio::awaitable<Result<void>> {
    expected += ev;
    co_return Result<void>();
  };
  auto direct = ragcache::testing::run_async(f.io, stream_chat_upstream(*f.upstream, chat_body(), collect), 20s);
  ASSERT_TRUE(direct) << direct.error().message();
  const auto events = std::count(expected.begin(), expected.end(), '\n');
  ASSERT_GT(events, 10);

  SlowSink sink(5ms);
  auto fed = ragcache::testing::run_async(f.io, stream_chat_into_flight(*f.upstream, chat_body(), {}, sink), 20s);
  ASSERT_TRUE(fed) << fed.error().message();
  EXPECT_EQ(fed->finish_reason, "stop");
  EXPECT_EQ(sink.received, expected);  // the mock's answers are deterministic
  EXPECT_GE(sink.pushes, 1);
  EXPECT_LE(sink.pushes, events);  // never more pushes than events (batches are whole events)
}

TEST(FlightFeeder, AFailedPushEndsTheCallWithItsError) {
  Fixture f(paced());
  SlowSink sink(2ms, /*fail_at=*/2);
  auto fed = ragcache::testing::run_async(f.io, stream_chat_into_flight(*f.upstream, chat_body(), {}, sink), 20s);
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error().code, cache::Errc::lock_lost);
  EXPECT_EQ(sink.pushes, 2);  // nothing pushed after the failure
}

TEST(FlightFeeder, AnUpstreamErrorStillEndsTheCall) {
  Fixture f(http::MockLlmOptions{});
  SlowSink sink(1ms);
  http::Headers inject{{"X-Mock-Error", "500"}};
  auto fed = ragcache::testing::run_async(f.io, stream_chat_into_flight(*f.upstream, chat_body(), inject, sink), 20s);
  EXPECT_FALSE(fed);
  EXPECT_EQ(sink.pushes, 0);
  // Half-way: the events read before the failure were pushed, then the error.
  SlowSink half(1ms);
  http::Headers abort{{"X-Mock-Error", "stream-abort"}};
  auto cut = ragcache::testing::run_async(f.io, stream_chat_into_flight(*f.upstream, chat_body(), abort, half), 20s);
  EXPECT_FALSE(cut);
  EXPECT_FALSE(half.received.empty());
}

}  // namespace
}  // namespace ragcache::gateway
