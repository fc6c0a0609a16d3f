// OpenAiEmbedder's protocol logic over a scripted fake transport: batching, retry decisions,
// API key, dimension learning. (Against a real HTTP server: gateway/upstream_embedding_transport_itest.cc.)
#include "embed/openai_embedder.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>

#include "support/async_test.h"

namespace ragcache::embed {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Answers each call from a script of statuses (200 -> a valid answer echoing the inputs'
// lengths as 2-d vectors); records every request.
class FakeTransport final : public EmbeddingTransport {
 public:
  std::deque<int> script;  // statuses to answer with, in order; -1 = transport timeout
  std::vector<TransportRequest> requests;
  std::size_t dims = 2;

  boost::asio::awaitable<Result<TransportResponse>> post(TransportRequest request) override {
    requests.push_back(request);
    int status = 200;
    if (!script.empty()) {
      status = script.front();
      script.pop_front();
    }
    if (status == -1) co_return Error(Errc::timeout, "fake timeout");
    if (status != 200) co_return TransportResponse{status, R"({"error":{"message":"scripted failure"}})"};
    auto body = json::parse(request.body).as_object();
    json::array data;
    const auto& inputs = body.at("input").as_array();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      json::array v;
      v.emplace_back(static_cast<double>(inputs[i].as_string().size()));
      for (std::size_t d = 1; d < dims; ++d) v.emplace_back(1.0);
      data.emplace_back(json::object{{"index", i}, {"embedding", std::move(v)}});
    }
    co_return TransportResponse{200, json::serialize(json::object{{"data", std::move(data)}})};
  }
};

Result<std::vector<Vector>> embed_now(OpenAiEmbedder& e, std::vector<std::string> texts) {
  boost::asio::io_context io;
  return testing::run_async(io, e.embed(texts), 10s);
}

TEST(OpenAiEmbedder, BatchesInOrderAndSendsTheKey) {
  FakeTransport t;
  auto e = OpenAiEmbedder::create(t, {.model = "emb-1", .api_key = "sk-test", .max_batch = 2}).value();
  auto r = embed_now(*e, {"a", "bb", "ccc", "dddd", "eeeee"});
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ((*r)[i][0], static_cast<float>(i + 1)) << i;
  ASSERT_EQ(t.requests.size(), 3u);  // 2 + 2 + 1
  EXPECT_EQ(json::parse(t.requests[2].body).at("input").as_array().size(), 1u);
  EXPECT_EQ(t.requests[0].path, "/embeddings");
  ASSERT_EQ(t.requests[0].headers.size(), 1u);
  EXPECT_EQ(t.requests[0].headers[0].second, "Bearer sk-test");
  EXPECT_EQ(e->dimension(), 2u);  // learned from the answer
  EXPECT_EQ(e->model_id(), "openai:emb-1");
}

TEST(OpenAiEmbedder, RetriesServerErrorsAndTimeoutsButNotClientErrors) {
  FakeTransport t;
  t.script = {503, -1, 200};
  auto e = OpenAiEmbedder::create(t, {.model = "m", .max_attempts = 3, .backoff = 1ms}).value();
  auto ok = embed_now(*e, {"x"});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(t.requests.size(), 3u);
  EXPECT_EQ(e->stats().retries.load(), 2u);

  t.requests.clear();
  t.script = {400};
  auto bad = embed_now(*e, {"x"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(t.requests.size(), 1u);  // a 400 is final
  EXPECT_NE(bad.error().detail.find("scripted failure"), std::string::npos);

  t.requests.clear();
  t.script = {500, 500, 500, 200};
  auto exhausted = embed_now(*e, {"x"});
  ASSERT_FALSE(exhausted);
  EXPECT_EQ(t.requests.size(), 3u);  // max_attempts calls, then the last error

  t.requests.clear();
  t.script = {-1, -1, -1};
  auto timed_out = embed_now(*e, {"x"});
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().code, Errc::timeout);
}

TEST(OpenAiEmbedder, ConfiguredDimensionsAreSentAndEnforced) {
  FakeTransport t;
  t.dims = 3;
  auto e = OpenAiEmbedder::create(t, {.model = "m", .dimensions = 4}).value();
  EXPECT_EQ(e->dimension(), 4u);
  EXPECT_EQ(e->model_id(), "openai:m:4");
  auto r = embed_now(*e, {"x"});
  ASSERT_FALSE(r);  // the endpoint answered 3-d vectors
  EXPECT_EQ(json::parse(t.requests[0].body).at("dimensions").to_number<int>(), 4);
}

TEST(OpenAiEmbedder, RefusesBadSettingsAndEmptyTexts) {
  FakeTransport t;
  EXPECT_FALSE(OpenAiEmbedder::create(t, {.model = ""}));
  EXPECT_FALSE(OpenAiEmbedder::create(t, {.model = "m", .max_batch = 0}));
  EXPECT_FALSE(OpenAiEmbedder::create(t, {.model = "m", .max_attempts = 0}));
  auto e = OpenAiEmbedder::create(t, {.model = "m"}).value();
  EXPECT_FALSE(embed_now(*e, {"ok", ""}));
  EXPECT_TRUE(t.requests.empty());
  auto none = embed_now(*e, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace ragcache::embed
