// End-to-end tests of the semantic cache, /v1/embeddings and the access log in `ragcache serve`:
// the real executable in front of `ragcache mock-llm` (separate processes) on a real
// redis-server, driven with curl. The built-in embedder is the gateway's default.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sstream>
#include <thread>

#include "http/sse_parser.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"
#include "support/time_scale.h"

namespace ragcache {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::RagcacheProcess;
using testing::RedisServer;
using testing::header_value;

json::object mock_stats(const RagcacheProcess& mock) {
  std::string body;
  testing::http_request("GET", mock.base_url() + "/mock/stats", {}, {}, &body);
  return json::parse(body).as_object();
}
std::int64_t mock_counter(const RagcacheProcess& mock, const char* name) {
  return mock_stats(mock).at(name).to_number<std::int64_t>();
}

struct Answer {
  int status = 0;
  std::string x_cache, similarity, cache_status, content, body;
};

std::string chat_body(const std::string& question, bool stream = false) {
  json::object body{{"model", "mock-gpt"},
                    {"messages", json::array{json::object{{"role", "user"}, {"content", question}}}}};
  if (stream) body["stream"] = true;
  return json::serialize(body);
}

Answer ask(const RagcacheProcess& gw, const std::string& question, std::vector<std::string> headers = {}) {
  Answer a;
  std::string response_headers;
  a.status = testing::http_request("POST", gw.base_url() + "/v1/chat/completions", chat_body(question), headers, &a.body,
                                   &response_headers);
  a.x_cache = header_value(response_headers, "X-Cache");
  a.similarity = header_value(response_headers, "X-Cache-Similarity");
  a.cache_status = header_value(response_headers, "Cache-Status");
  if (a.status == 200) a.content = json::parse(a.body).at("choices").at(0).at("message").at("content").as_string().c_str();
  return a;
}

std::vector<std::string> gateway_args(const RedisServer& redis, const RagcacheProcess& mock) {
  return {"serve", "--redis", redis.url(), "--upstream", mock.base_url() + "/v1", "--io-threads", "2"};
}

const std::string kQuestion = "How do I reset my password?";
const std::string kParaphrase = "how can I reset my password";

TEST(GatewaySemanticE2E, ParaphraseHitsUnrelatedHardNegativesAndOtherTenantsMiss) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  auto args = gateway_args(redis, mock);
  args.insert(args.end(), {"--semantic-namespace-thresholds", "strict=1.0"});
  RagcacheProcess gw(args);
  const std::vector<std::string> key_a{"Authorization: Bearer key-a"};

  auto first = ask(gw, kQuestion, key_a);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.x_cache, "MISS");
  auto para = ask(gw, kParaphrase, key_a);
  EXPECT_EQ(para.x_cache, "SEMANTIC");
  EXPECT_EQ(para.content, first.content);
  EXPECT_EQ(para.cache_status, "ragcache; hit; detail=semantic");
  ASSERT_EQ(para.similarity.size(), 6u) << para.similarity;  // 0.xxxx
  const double similarity = std::stod(para.similarity);
  EXPECT_GE(similarity, 0.90);
  EXPECT_LT(similarity, 1.0);
  EXPECT_EQ(mock_counter(mock, "chat_calls"), 1);

  // Unrelated and hard negatives (one word or a negation apart): generated, not reused.
  EXPECT_EQ(ask(gw, "What are your opening hours on weekends?", key_a).x_cache, "MISS");
  EXPECT_EQ(ask(gw, "What is the price of gold today?", key_a).x_cache, "MISS");
  auto silver = ask(gw, "What is the price of silver today?", key_a);
  EXPECT_EQ(silver.x_cache, "MISS");
  EXPECT_EQ(ask(gw, "Is the pharmacy open on Sunday?", key_a).x_cache, "MISS");
  EXPECT_EQ(ask(gw, "Is the pharmacy not open on Sunday?", key_a).x_cache, "MISS");
  // Another tenant (API key) never sees tenant A's answers.
  EXPECT_EQ(ask(gw, kParaphrase, {"Authorization: Bearer key-b"}).x_cache, "MISS");
  // Per call: a threshold of 1 turns the paraphrase away; a malformed one is a 400.
  std::vector<std::string> strict = key_a;
  strict.push_back("X-Semantic-Threshold: 1");
  EXPECT_EQ(ask(gw, "how could I reset my password", strict).x_cache, "MISS");
  std::vector<std::string> bad = key_a;
  bad.push_back("X-Semantic-Threshold: 1.5");
  auto refused = ask(gw, kParaphrase, bad);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body).at("error").at("param"), "X-Semantic-Threshold") << refused.body;
  // Per namespace (--semantic-namespace-thresholds strict=1.0).
  std::vector<std::string> ns = key_a;
  ns.push_back("X-Cache-Namespace: strict");
  EXPECT_EQ(ask(gw, kQuestion, ns).x_cache, "MISS");
  EXPECT_EQ(ask(gw, kParaphrase, ns).x_cache, "MISS");
  // Cache-Control: no-cache skips the lookup.
  std::vector<std::string> no_cache = key_a;
  no_cache.push_back("Cache-Control: no-cache");
  EXPECT_EQ(ask(gw, "how do i reset my password", no_cache).x_cache, "MISS");

  std::string metrics;
  testing::http_request("GET", gw.base_url() + "/metrics", {}, {}, &metrics);
  EXPECT_NE(metrics.find("ragcache_requests_total{cache=\"SEMANTIC\"} 1"), std::string::npos) << metrics;
}

TEST(GatewaySemanticE2E, SemanticOffNeverAnswersFromTheSemanticCache) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  auto args = gateway_args(redis, mock);
  args.insert(args.end(), {"--semantic", "off"});
  RagcacheProcess gw(args);
  EXPECT_EQ(ask(gw, kQuestion).x_cache, "MISS");
  EXPECT_EQ(ask(gw, kParaphrase).x_cache, "MISS");
  EXPECT_EQ(ask(gw, kQuestion).x_cache, "HIT");  // the exact cache still works
  EXPECT_EQ(redis.command({"KEYS", "rag:sem*"}), "");
}

TEST(GatewaySemanticE2E, StreamedSemanticHitIsWellFormedSse) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gw(gateway_args(redis, mock));
  auto first = ask(gw, kQuestion);
  ASSERT_EQ(first.x_cache, "MISS");
  std::string body, headers;
  ASSERT_EQ(testing::http_request("POST", gw.base_url() + "/v1/chat/completions", chat_body(kParaphrase, true), {}, &body,
                                  &headers),
            200);
  EXPECT_EQ(header_value(headers, "X-Cache"), "SEMANTIC");
  EXPECT_FALSE(header_value(headers, "X-Cache-Similarity").empty());
  EXPECT_NE(header_value(headers, "Content-Type").find("text/event-stream"), std::string::npos);
  http::SseParser parser;
  auto events = parser.feed(body);
  ASSERT_GE(events.size(), 3u) << body;
  EXPECT_EQ(events.back().data, "[DONE]");
  std::string content, finish, id;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    auto chunk = json::parse(events[i].data).as_object();
    EXPECT_EQ(chunk.at("object"), "chat.completion.chunk");
    if (id.empty()) id = chunk.at("id").as_string().c_str();
    EXPECT_EQ(chunk.at("id"), id.c_str()) << "every chunk carries the same id";
    for (const auto& c : chunk.at("choices").as_array()) {
      const auto& delta = c.at("delta").as_object();
      if (const auto* t = delta.if_contains("content")) content += t->as_string().c_str();
      if (const auto* f = c.as_object().if_contains("finish_reason"); f && f->is_string()) finish = f->as_string().c_str();
    }
  }
  EXPECT_EQ(content, first.content);
  EXPECT_EQ(finish, "stop");
}

TEST(GatewaySemanticE2E, SessionFollowUpsUseTheSemanticCacheOnlyWithAResolvedQuery) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gw(gateway_args(redis, mock));
  ASSERT_EQ(ask(gw, kQuestion).x_cache, "MISS");  // the standalone question is cached

  // Session s1: a follow-up worded like the cached question, without X-Resolved-Query.
  EXPECT_EQ(ask(gw, "I have a question about my account.", {"X-Session-Id: s1"}).x_cache, "MISS");
  EXPECT_EQ(ask(gw, kParaphrase, {"X-Session-Id: s1"}).x_cache, "MISS")
      << "a follow-up depends on its history: it must not be answered from the semantic cache";

  // Session s2: the same kind of follow-up, with its standalone form supplied.
  EXPECT_EQ(ask(gw, "Something else about my login.", {"X-Session-Id: s2"}).x_cache, "MISS");
  auto resolved = ask(gw, "and how do I change it?", {"X-Session-Id: s2", "X-Resolved-Query: " + kParaphrase});
  EXPECT_EQ(resolved.x_cache, "SEMANTIC");
  // The answer joined the session window like any other.
  std::string window;
  ASSERT_EQ(testing::http_request("GET", gw.base_url() + "/v1/ragcache/sessions/s2", {}, {}, &window), 200);
  auto messages = json::parse(window).at("messages").as_array();
  ASSERT_EQ(messages.size(), 4u) << window;
  EXPECT_EQ(messages[3].at("content"), resolved.content.c_str());
  // A malformed X-Resolved-Query is refused.
  EXPECT_EQ(ask(gw, "x", {"X-Resolved-Query: " + std::string(5000, 'a')}).status, 400);
}

struct Embeddings {
  int status = 0;
  std::string x_cache, hits, body;
  json::object parsed;
};

Embeddings embed(const RagcacheProcess& gw, const std::string& request) {
  Embeddings e;
  std::string headers;
  e.status = testing::http_request("POST", gw.base_url() + "/v1/embeddings", request, {}, &e.body, &headers);
  e.x_cache = header_value(headers, "X-Cache");
  e.hits = header_value(headers, "X-Cache-Hits");
  if (e.status == 200) e.parsed = json::parse(e.body).as_object();
  return e;
}

TEST(GatewaySemanticE2E, EmbeddingsAreCachedPerInput) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gw(gateway_args(redis, mock));
  auto first = embed(gw, R"({"model":"mock-embed","input":["alpha text","beta text"]})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.x_cache, "MISS");
  EXPECT_EQ(first.hits, "0/2");
  EXPECT_EQ(mock_counter(mock, "embedding_inputs"), 2);
  EXPECT_GT(first.parsed.at("usage").at("prompt_tokens").to_number<int>(), 0);

  // One new input among cached ones: exactly that one goes upstream.
  auto second = embed(gw, R"({"model":"mock-embed","input":["beta text","gamma text","alpha text"]})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.x_cache, "MISS");
  EXPECT_EQ(second.hits, "2/3");
  EXPECT_EQ(mock_counter(mock, "embedding_inputs"), 3);
  EXPECT_EQ(mock_counter(mock, "embedding_calls"), 2);
  const auto& d1 = first.parsed.at("data").as_array();
  const auto& d2 = second.parsed.at("data").as_array();
  ASSERT_EQ(d2.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(d2[i].at("index").to_number<std::size_t>(), i);
  EXPECT_EQ(d2[0].at("embedding"), d1[1].at("embedding"));  // "beta text", from the cache
  EXPECT_EQ(d2[2].at("embedding"), d1[0].at("embedding"));  // "alpha text"

  // All cached: HIT, nothing upstream, usage 0 (only what was sent upstream counts).
  auto third = embed(gw, R"({"model":"mock-embed","input":"gamma text","encoding_format":"base64"})");
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.x_cache, "HIT");
  EXPECT_EQ(third.hits, "1/1");
  EXPECT_TRUE(third.parsed.at("data").at(0).at("embedding").is_string());
  EXPECT_EQ(third.parsed.at("usage").at("prompt_tokens").to_number<int>(), 0);
  EXPECT_EQ(mock_counter(mock, "embedding_calls"), 2);

  // Bad input: 400, nothing sent upstream, nothing stored.
  const std::string keys_before = redis.command({"DBSIZE"});
  for (const char* bad : {R"({"model":"mock-embed"})", R"({"model":"mock-embed","input":[]})",
                          R"({"model":"mock-embed","input":["ok",3]})", R"({"input":"x"})",
                          R"({"model":"mock-embed","input":"x","encoding_format":"hex"})"}) {
    auto r = embed(gw, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("invalid_request_error"), std::string::npos) << r.body;
  }
  EXPECT_EQ(redis.command({"DBSIZE"}), keys_before);
  EXPECT_EQ(mock_counter(mock, "embedding_calls"), 2);
}

TEST(GatewaySemanticE2E, OpenAiEmbedderDrivesTheSemanticCache) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  auto args = gateway_args(redis, mock);
  // The mock's embeddings hash words: equal word sets are identical vectors.
  args.insert(args.end(), {"--embedder", "openai", "--embedder-model", "mock-embed"});
  RagcacheProcess gw(args);
  EXPECT_EQ(ask(gw, "reset my password how").x_cache, "MISS");
  EXPECT_EQ(ask(gw, "how reset my password").x_cache, "SEMANTIC");
  EXPECT_GE(mock_counter(mock, "embedding_calls"), 2);  // start-up probe + questions
  EXPECT_NE(redis.command({"KEYS", "emb:*"}), "");       // through the embeddings cache
}

TEST(GatewaySemanticE2E, AccessLogHasOneJsonLinePerRequest) {
  RedisServer redis;
  RagcacheProcess mock({"mock-llm"});
  RagcacheProcess gw(gateway_args(redis, mock));
  ASSERT_EQ(ask(gw, kQuestion, {"X-Request-Id: e2e-log-1", "Authorization: Bearer secret-key-123"}).status, 200);
  ASSERT_EQ(ask(gw, kQuestion, {"X-Request-Id: e2e-log-2", "Authorization: Bearer secret-key-123"}).status, 200);
  auto find_line = [&](const std::string& id) -> std::optional<json::object> {
    const auto deadline = std::chrono::steady_clock::now() + testing::scaled(1s);
    while (std::chrono::steady_clock::now() < deadline) {
      std::istringstream log(testing::read_file(gw.log_path()));
      for (std::string line; std::getline(log, line);) {
        if (line.find("\"id\":\"" + id + "\"") == std::string::npos) continue;
        EXPECT_EQ(line.find("secret-key-123"), std::string::npos) << "the API key leaked into the log";
        return json::parse(line.substr(line.find('{'))).as_object();
      }
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  };
  auto miss = find_line("e2e-log-1");
  ASSERT_TRUE(miss) << testing::read_file(gw.log_path());
  EXPECT_EQ(miss->at("method"), "POST");
  EXPECT_EQ(miss->at("path"), "/v1/chat/completions");
  EXPECT_EQ(miss->at("status").to_number<int>(), 200);
  EXPECT_EQ(miss->at("cache"), "MISS");
  EXPECT_TRUE(miss->at("upstream_ms").is_number());
  EXPECT_EQ(miss->at("tenant").as_string().size(), 12u);
  EXPECT_GT(miss->at("bytes").to_number<int>(), 0);
  EXPECT_FALSE(miss->at("time").as_string().empty());
  auto hit = find_line("e2e-log-2");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->at("cache"), "HIT");
  EXPECT_TRUE(hit->at("upstream_ms").is_null());
  EXPECT_EQ(hit->at("tenant"), miss->at("tenant"));

  // --access-log off: no lines.
  auto args = gateway_args(redis, mock);
  args.insert(args.end(), {"--access-log", "off"});
  RagcacheProcess quiet(args);
  ASSERT_EQ(ask(quiet, kQuestion, {"X-Request-Id: e2e-log-3"}).status, 200);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(testing::read_file(quiet.log_path()).find("e2e-log-3"), std::string::npos);
}

}  // namespace
}  // namespace ragcache
