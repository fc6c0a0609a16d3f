// produce_answer (the leader's side of a shared answer) against an in-process mock-llm over real
// HTTP, with a sink that is slower than the upstream (as Redis round trips are): every line
// arrives in order, the leader decides what may be cached and caches the assembled answer, and
// a failing push or an upstream error ends the call with its error.
#include "gateway/answer_producer.h"

#include <gtest/gtest.h>

#include <regex>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "domain/cache/errors.h"
#include "gateway/answer_lines.h"
#include "gateway/upstream_call.h"
#include "gateway/upstream_failure.h"
#include "mock_llm/mock_llm_server.h"
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
  void set_completion(cache::Completion c) override { completion = c; }
  void set_cached_value(std::string value) override { cached = std::move(value); }
  std::string received;
  std::string cached;
  cache::Completion completion = cache::Completion::complete;
  int pushes = 0;

 private:
  std::chrono::milliseconds delay_;
  int fail_at_;
};

mock::MockLlmOptions paced() {
  mock::MockLlmOptions o;
  o.tokens_per_sec = 2000;  // a token every 0.5 ms: the sink (a few ms per push) is slower
  o.answer_tokens = 40;
  return o;
}

json::object chat_body(std::string_view extra = {}) {
  std::string text = R"({"model":"mock-gpt","messages":[{"role":"user","content":"Tell me about caches."}])";
  text += extra;
  text += "}";
  return json::parse(text).as_object();
}

struct Fixture {
  explicit Fixture(mock::MockLlmOptions o) : m(o) {
    http::UpstreamOptions u;
    u.base_url = m.server.base_url();
    upstream = *http::UpstreamClient::create(io.get_executor(), u);
  }
  UpstreamCallSpec spec(json::object body, bool stream = true, http::Headers headers = {}) {
    return UpstreamCallSpec{upstream, &chat_format(), std::move(body), stream, std::move(headers), nullptr};
  }
  mock::testing::MockLlmServer m;
  asio::io_context io;
  std::shared_ptr<http::UpstreamClient> upstream;
};

json::object cached_answer(const SlowSink& sink) {
  EXPECT_TRUE(sink.cached.starts_with("a") && sink.cached.ends_with("\n")) << sink.cached;
  return json::parse(std::string_view(sink.cached).substr(1)).as_object();
}

// Answer lines with every "created":<seconds> made "created":0.
std::string without_created(const std::string& lines) {
  return std::regex_replace(lines, std::regex(R"("created":[0-9]+)"), R"("created":0)");
}

TEST(AnswerProducer, EveryLineReachesASlowSinkInOrderAndTheAssembledAnswerIsCached) {
  Fixture f(paced());
  // What the plain call produces, line by line.
  std::string expected;
  LineSink collect = [&expected](std::string lines) -> asio::awaitable<Result<void>> {
    expected += lines;
    co_return Result<void>();
  };
  auto direct = ragcache::testing::run_async(
      f.io, call_upstream(*f.upstream, chat_format(), chat_body(), true, {}, collect), 20s);
  ASSERT_TRUE(direct) << direct.error().message();
  const auto lines = std::count(expected.begin(), expected.end(), '\n');
  ASSERT_GT(lines, 10);

  SlowSink sink(5ms);
  auto fed = ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body()), sink), 20s);
  ASSERT_TRUE(fed) << fed.error().message();
  // The mock's answers are deterministic, ids included, except "created" (the second the answer
  // was made: two answers may straddle a second boundary).
  EXPECT_EQ(without_created(sink.received), without_created(expected));
  EXPECT_GE(sink.pushes, 1);
  EXPECT_LE(sink.pushes, lines);  // never more pushes than lines (batches are whole lines)
  EXPECT_EQ(sink.completion, cache::Completion::complete);
  const auto answer = cached_answer(sink);
  EXPECT_EQ(answer.at("object"), "chat.completion");
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(answer.at("usage").at("completion_tokens").as_int64(), 40);
}

TEST(AnswerProducer, AWholeCallCachesTheUpstreamsOwnBytes) {
  Fixture f(mock::MockLlmOptions{});
  SlowSink sink(1ms);
  auto fed = ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body(), /*stream=*/false), sink), 20s);
  ASSERT_TRUE(fed) << fed.error().message();
  EXPECT_EQ(sink.pushes, 1);
  EXPECT_TRUE(sink.received.starts_with("a{"));
  EXPECT_EQ(sink.cached, sink.received);
}

TEST(AnswerProducer, CutAnswersAndToolCallsAreJudged) {
  Fixture f(paced());
  SlowSink cut(1ms);
  ASSERT_TRUE(ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body(R"(,"max_tokens":3)")), cut), 20s));
  EXPECT_EQ(cut.completion, cache::Completion::truncated);
  SlowSink call(1ms);
  const auto tools = R"(,"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}])";
  ASSERT_TRUE(ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body(tools)), call), 20s));
  EXPECT_EQ(call.completion, cache::Completion::complete);
  const auto answer = cached_answer(call);
  const auto& message = answer.at("choices").at(0).at("message");
  EXPECT_EQ(message.at("tool_calls").at(0).at("function").at("name"), "lookup");
  EXPECT_EQ(json::parse(message.at("tool_calls").at(0).at("function").at("arguments").as_string()).at("query"),
            "Tell me about caches.");
  EXPECT_EQ(answer.at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(AnswerProducer, AFailedPushEndsTheCallWithItsError) {
  Fixture f(paced());
  SlowSink sink(2ms, /*fail_at=*/2);
  auto fed = ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body()), sink), 20s);
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error().code, cache::Errc::lock_lost);
  EXPECT_EQ(sink.pushes, 2);  // nothing pushed after the failure
  EXPECT_TRUE(sink.cached.empty());
}

TEST(AnswerProducer, AnUpstreamErrorKeepsItsStatusAndBody) {
  Fixture f(mock::MockLlmOptions{});
  SlowSink sink(1ms);
  auto fed = ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body(), true, {{"X-Mock-Error", "429"}}), sink), 20s);
  ASSERT_FALSE(fed);
  auto failure = upstream_failure_of(fed.error());
  ASSERT_TRUE(failure) << fed.error().message();
  EXPECT_EQ(failure->status, 429);
  EXPECT_EQ(failure->retry_after, "1");
  EXPECT_EQ(json::parse(failure->body).at("error").at("code"), "mock_injected");
  EXPECT_EQ(sink.pushes, 0);
  // Half-way: the lines read before the failure were pushed, then the error.
  SlowSink half(1ms);
  auto cut = ragcache::testing::run_async(f.io, produce_answer(f.spec(chat_body(), true, {{"X-Mock-Error", "stream-abort"}}), half), 20s);
  EXPECT_FALSE(cut);
  EXPECT_FALSE(half.received.empty());
  EXPECT_TRUE(half.cached.empty());
}

}  // namespace
}  // namespace ragcache::gateway
