// OpenAiEmbedder over the real HTTP transport (UpstreamEmbeddingTransport + UpstreamClient)
// against an in-process mock-llm: vectors match the mock's, batching shows in its counters,
// 5xx answers and timeouts are retried, a 4xx is not.
#include "gateway/upstream_embedding_transport.h"

#include <gtest/gtest.h>

#include "embed/openai_embedder.h"
#include "mock_llm/mock_llm_server.h"
#include "support/async_test.h"

namespace ragcache::gateway {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using Mock = mock::testing::MockLlmServer;

struct Client {
  Client(const Mock& m, std::chrono::milliseconds timeout = 5s) {
    http::UpstreamOptions o;
    o.base_url = m.server.base_url();
    o.first_byte_timeout = timeout;
    o.total_timeout = timeout;
    transport = std::make_unique<UpstreamEmbeddingTransport>(*http::UpstreamClient::create(io.get_executor(), o));
  }
  Result<std::vector<embed::Vector>> embed(embed::OpenAiEmbedder& e, std::vector<std::string> texts) {
    return ragcache::testing::run_async(io, e.embed(texts), 20s);
  }
  asio::io_context io;
  std::unique_ptr<UpstreamEmbeddingTransport> transport;
};

TEST(OpenAiEmbedderOverHttp, EmbedsInBatchesLikeTheMock) {
  Mock m;
  Client c(m);
  auto e = embed::OpenAiEmbedder::create(*c.transport, {.model = "mock-embed", .api_key = "k", .max_batch = 2}).value();
  auto r = c.embed(*e, {"alpha beta", "gamma", "delta epsilon"});
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  const auto expected = mock::mock_embedding("gamma", m.mock.options().embedding_dimensions);
  ASSERT_EQ((*r)[1].size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ((*r)[1][i], expected[i]);
  EXPECT_EQ(e->dimension(), expected.size());
  EXPECT_EQ(m.mock.stats().embedding_calls, 2u);  // 2 + 1
  EXPECT_EQ(m.mock.stats().embedding_inputs, 3u);

  // probe() learns the size without a configured dimension.
  auto fresh = embed::OpenAiEmbedder::create(*c.transport, {.model = "mock-embed"}).value();
  EXPECT_EQ(fresh->dimension(), 0u);
  EXPECT_TRUE(ragcache::testing::run_async(c.io, fresh->probe(), 10s));
  EXPECT_EQ(fresh->dimension(), expected.size());
}

TEST(OpenAiEmbedderOverHttp, RetriesServerErrorsNotClientErrors) {
  Mock m;
  Client c(m);
  auto failing = embed::OpenAiEmbedder::create(*c.transport, {.model = "mock-error-503", .max_attempts = 3, .backoff = 5ms}).value();
  auto r = c.embed(*failing, {"x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(m.mock.stats().embedding_calls, 3u);
  m.mock.reset();
  auto refused = embed::OpenAiEmbedder::create(*c.transport, {.model = "mock-error-401", .max_attempts = 3, .backoff = 5ms}).value();
  auto r2 = c.embed(*refused, {"x"});
  ASSERT_FALSE(r2);
  EXPECT_EQ(m.mock.stats().embedding_calls, 1u);
  EXPECT_NE(r2.error().detail.find("401"), std::string::npos) << r2.error().message();
}

TEST(OpenAiEmbedderOverHttp, TimeoutsAreRetriedThenReported) {
  Mock m({.latency = 1s});
  Client c(m, 150ms);
  auto e = embed::OpenAiEmbedder::create(*c.transport, {.model = "mock-embed", .max_attempts = 2, .backoff = 5ms}).value();
  auto r = c.embed(*e, {"x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout) << r.error().message();
  EXPECT_EQ(e->stats().calls.load(), 2u);
}

}  // namespace
}  // namespace ragcache::gateway
