// The mock LLM over HTTP, driven by the upstream client (as the gateway will drive it).
#include "mock_llm/mock_llm.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/errors.h"
#include "http/sse_parser.h"
#include "http/standard_routes.h"
#include "mock_llm/mock_llm_server.h"
#include "http/testing/test_server.h"
#include "http/upstream_client.h"
#include "openai/embeddings_wire.h"
#include "support/async_test.h"

namespace ragcache::http {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ragcache::testing::run_async;
using testing::TestServer;
using namespace std::chrono_literals;

using Mock = mock::testing::MockLlmServer;
using mock::MockLlm;
using mock::MockLlmOptions;
using mock::mock_embedding;
using mock::mock_answer_tokens;
using mock::mock_answer_seed;

std::shared_ptr<UpstreamClient> client_for(asio::io_context& ctx, const TestServer& s) {
  UpstreamOptions o;
  o.base_url = s.base_url();
  o.total_timeout = 10s;
  return *UpstreamClient::create(ctx.get_executor(), o);
}

UpstreamRequest post(std::string endpoint, json::object body, Headers headers = {}) {
  UpstreamRequest r;
  r.endpoint = std::move(endpoint);
  r.body = json::serialize(body);
  r.headers = std::move(headers);
  return r;
}

json::object chat_body(std::string question, std::string model = "mock-gpt") {
  return json::object{{"model", model},
                      {"messages", json::array{json::object{{"role", "user"}, {"content", question}}}}};
}

std::string content_of(const std::string& body) {
  return std::string(json::parse(body).at("choices").at(0).at("message").at("content").as_string());
}

// Reads a whole SSE response into events; `complete` tells whether the body ended cleanly.
asio::awaitable<std::vector<SseEvent>> read_events(UpstreamStream& s, bool* complete) {
  SseParser parser;
  std::vector<SseEvent> events;
  *complete = false;
  for (;;) {
    auto piece = co_await s.next();
    if (!piece) co_return events;
    if (!*piece) break;
    parser.feed(**piece, events);
  }
  *complete = !parser.has_partial_event();
  co_return events;
}

TEST(MockLlmHttp, SameRequestSameAnswerDifferentRequestDifferentAnswer) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto a1 = co_await client->send(post("/chat/completions", chat_body("What is Redis?")));
    auto a2 = co_await client->send(post("/chat/completions", chat_body("What is Redis?")));
    auto b = co_await client->send(post("/chat/completions", chat_body("What is Lua?")));
    EXPECT_TRUE(a1 && a2 && b);
    if (!(a1 && a2 && b)) co_return;
    EXPECT_EQ(content_of(a1->body), content_of(a2->body));
    EXPECT_NE(content_of(a1->body), content_of(b->body));
    auto v = json::parse(a1->body).as_object();
    EXPECT_EQ(v.at("object").as_string(), "chat.completion");
    EXPECT_EQ(v.at("model").as_string(), "mock-gpt");
    EXPECT_TRUE(v.at("id").as_string().starts_with("chatcmpl-"));
    const auto& choice = v.at("choices").at(0).as_object();
    EXPECT_EQ(choice.at("finish_reason").as_string(), "stop");
    EXPECT_EQ(choice.at("message").at("role").as_string(), "assistant");
    const auto& usage = v.at("usage").as_object();
    EXPECT_EQ(usage.at("completion_tokens").as_int64(), 24);  // default answer length
    EXPECT_EQ(usage.at("total_tokens").as_int64(),
              usage.at("prompt_tokens").as_int64() + usage.at("completion_tokens").as_int64());
  }(), 10s);
}

TEST(MockLlmHttp, StreamFollowsOpenAiChunkFormat) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto whole = co_await client->send(post("/chat/completions", chat_body("Stream me")));
    auto body = chat_body("Stream me");
    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
    auto s = co_await client->open_stream(post("/chat/completions", body));
    EXPECT_TRUE(whole && s);
    if (!(whole && s)) co_return;
    EXPECT_EQ(s->status(), 200);
    EXPECT_EQ(s->header("Content-Type"), "text/event-stream");
    bool complete = false;
    auto events = co_await read_events(*s, &complete);
    EXPECT_TRUE(complete);
    // role chunk + 24 content chunks + finish chunk + usage chunk + [DONE]
    EXPECT_EQ(events.size(), 1u + 24 + 1 + 1 + 1);
    if (events.size() < 4) co_return;
    EXPECT_TRUE(events.back().is_done());
    std::string content;
    std::string id;
    for (std::size_t i = 0; i + 1 < events.size(); ++i) {
      auto chunk = json::parse(events[i].data).as_object();
      EXPECT_EQ(chunk.at("object").as_string(), "chat.completion.chunk");
      if (id.empty()) id = chunk.at("id").as_string();
      EXPECT_EQ(chunk.at("id").as_string(), id);  // one id for the whole stream
      EXPECT_EQ(chunk.at("model").as_string(), "mock-gpt");
      const auto& choices = chunk.at("choices").as_array();
      if (i + 2 == events.size()) {  // the usage chunk: no choices, usage filled
        EXPECT_TRUE(choices.empty());
        EXPECT_EQ(chunk.at("usage").at("completion_tokens").as_int64(), 24);
        continue;
      }
      EXPECT_TRUE(chunk.at("usage").is_null());  // include_usage: null on every other chunk
      EXPECT_EQ(choices.size(), 1u);
      if (choices.size() != 1) continue;
      const auto& delta = choices[0].at("delta").as_object();
      if (i == 0) { EXPECT_EQ(delta.at("role").as_string(), "assistant"); }
      if (auto* c = delta.if_contains("content")) content += c->as_string();
      if (i + 3 == events.size()) {
        EXPECT_EQ(choices[0].at("finish_reason").as_string(), "stop");
        EXPECT_TRUE(delta.empty());
      } else {
        EXPECT_TRUE(choices[0].at("finish_reason").is_null());
      }
    }
    EXPECT_EQ(content, content_of(whole->body));

    // Without include_usage: no usage chunk, no usage field.
    body.erase("stream_options");
    auto plain = co_await client->open_stream(post("/chat/completions", body));
    EXPECT_TRUE(plain.has_value());
    if (!plain) co_return;
    auto plain_events = co_await read_events(*plain, &complete);
    EXPECT_EQ(plain_events.size(), 1u + 24 + 1 + 1);
    for (std::size_t i = 0; i + 1 < plain_events.size(); ++i) {
      EXPECT_FALSE(json::parse(plain_events[i].data).as_object().contains("usage"));
    }
  }(), 10s);
}

TEST(MockLlmHttp, MaxTokensCutsTheAnswerWithFinishReasonLength) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto body = chat_body("long please");
    body["max_tokens"] = 5;
    auto r = co_await client->send(post("/chat/completions", body));
    EXPECT_TRUE(r.has_value());
    if (!r) co_return;
    auto v = json::parse(r->body);
    EXPECT_EQ(v.at("choices").at(0).at("finish_reason").as_string(), "length");
    EXPECT_EQ(v.at("usage").at("completion_tokens").as_int64(), 5);
  }(), 10s);
}

TEST(MockLlmHttp, CounterCountsCallsAndResets) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto body = chat_body("count me");
    co_await client->send(post("/chat/completions", body));
    co_await client->send(post("/chat/completions", body));
    body["stream"] = true;
    co_await client->send(post("/chat/completions", body));
    // (Bodies built outside co_await: GCC 12 mis-compiles braced string literals there.)
    auto embed = post("/embeddings", json::object{{"model", "mock-embed"}, {"input", json::array{"a", "b"}}});
    auto no_messages = post("/chat/completions", json::object{{"model", "mock-gpt"}});
    co_await client->send(embed);
    co_await client->send(no_messages);  // 400, not a call
    UpstreamRequest stats_req;
    stats_req.method = boost::beast::http::verb::get;
    stats_req.endpoint = "/stats";
    auto mock_client = *UpstreamClient::create(ctx.get_executor(), [&] {
      UpstreamOptions o;
      o.base_url = m.server.base_url("/mock");
      return o;
    }());
    auto stats = co_await mock_client->send(stats_req);
    EXPECT_TRUE(stats.has_value());
    if (!stats) co_return;
    auto v = json::parse(stats->body).as_object();
    EXPECT_EQ(v.at("chat_calls").to_number<std::uint64_t>(), 3u);
    EXPECT_EQ(v.at("chat_stream_calls").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(v.at("embedding_calls").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(v.at("embedding_inputs").to_number<std::uint64_t>(), 2u);
    EXPECT_EQ(v.at("bad_requests").to_number<std::uint64_t>(), 1u);

    UpstreamRequest reset;
    reset.endpoint = "/reset";
    auto after = co_await mock_client->send(reset);
    EXPECT_TRUE(after.has_value());
    if (after) { EXPECT_EQ(json::parse(after->body).at("chat_calls").to_number<std::uint64_t>(), 0u); }
    EXPECT_EQ(m.mock.stats().chat_calls, 0u);
  }(), 10s);
}

TEST(MockLlmHttp, ErrorsAreInjectable) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    Headers h429;
    h429.emplace_back("X-Mock-Error", "429");
    auto r = co_await client->send(post("/chat/completions", chat_body("x"), h429));
    EXPECT_TRUE(r.has_value());
    if (!r) co_return;
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->header("Retry-After"), "1");
    EXPECT_EQ(json::parse(r->body).at("error").at("type").as_string(), "rate_limit_error");

    auto by_model = co_await client->send(post("/chat/completions", chat_body("x", "mock-error-503")));
    EXPECT_TRUE(by_model.has_value());
    if (by_model) { EXPECT_EQ(by_model->status, 503); }

    auto emb_req = post("/embeddings", json::object{{"model", "mock-error-502"}, {"input", "x"}});
    auto emb = co_await client->send(emb_req);
    EXPECT_TRUE(emb.has_value());
    if (emb) { EXPECT_EQ(emb->status, 502); }

    // stream-abort: the stream starts, then is cut without [DONE].
    Headers abort;
    abort.emplace_back("X-Mock-Error", "stream-abort");
    auto body = chat_body("x");
    body["stream"] = true;
    auto s = co_await client->open_stream(post("/chat/completions", body, abort));
    EXPECT_TRUE(s.has_value());
    if (!s) co_return;
    EXPECT_EQ(s->status(), 200);
    Result<std::optional<std::string>> piece;
    std::string seen;
    do {
      piece = co_await s->next();
      if (piece && *piece) seen += **piece;
    } while (piece && *piece);
    EXPECT_FALSE(piece.has_value());  // the body ended with an error, not cleanly
    EXPECT_EQ(seen.find("[DONE]"), std::string::npos);
    EXPECT_NE(seen.find("chat.completion.chunk"), std::string::npos);
    EXPECT_EQ(m.mock.stats().errors_injected, 4u);
  }(), 10s);
}

TEST(MockLlmHttp, EmbeddingsModelsAndValidation) {
  Mock m;
  asio::io_context ctx;
  auto client = client_for(ctx, m.server);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    json::object req{{"model", "mock-embed"}, {"input", json::array{"reset password", "reset password"}}, {"dimensions", 16}};
    auto r = co_await client->send(post("/embeddings", req));
    EXPECT_TRUE(r.has_value());
    if (!r) co_return;
    EXPECT_EQ(r->status, 200);
    auto v = json::parse(r->body).as_object();
    const auto& data = v.at("data").as_array();
    EXPECT_EQ(data.size(), 2u);
    EXPECT_EQ(data[0].at("embedding").as_array().size(), 16u);
    EXPECT_EQ(data[0].at("embedding"), data[1].at("embedding"));
    EXPECT_EQ(data[1].at("index").as_int64(), 1);

    req["encoding_format"] = "base64";
    req["input"] = "reset password";
    auto b = co_await client->send(post("/embeddings", req));
    EXPECT_TRUE(b.has_value());
    if (b) {
      auto expected = openai::embedding_to_base64(mock_embedding("reset password", 16));
      EXPECT_EQ(json::parse(b->body).at("data").at(0).at("embedding").as_string(), expected);
    }

    UpstreamRequest models;
    models.method = boost::beast::http::verb::get;
    models.endpoint = "/models";
    auto ms = co_await client->send(models);
    EXPECT_TRUE(ms.has_value());
    if (ms) { EXPECT_EQ(json::parse(ms->body).at("data").at(0).at("id").as_string(), "mock-gpt"); }

    auto bad_req = post("/chat/completions", json::object{{"model", "mock-gpt"}, {"messages", json::array{}}});
    auto bad = co_await client->send(bad_req);
    EXPECT_TRUE(bad.has_value());
    if (bad) {
      EXPECT_EQ(bad->status, 400);
      EXPECT_EQ(json::parse(bad->body).at("error").at("param").as_string(), "messages");
    }
    UpstreamRequest not_json;
    not_json.endpoint = "/chat/completions";
    not_json.body = "{not json";
    auto nj = co_await client->send(not_json);
    EXPECT_TRUE(nj.has_value());
    if (nj) { EXPECT_EQ(nj->status, 400); }
  }(), 10s);
}

}  // namespace
}  // namespace ragcache::http
