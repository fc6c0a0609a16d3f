#include "gateway/passthrough.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ragcache::gateway {
namespace {

bool has(const http::Headers& h, std::string_view name, std::string_view value = {}) {
  return std::any_of(h.begin(), h.end(), [&](const auto& kv) {
    return kv.first == name && (value.empty() || kv.second == value);
  });
}

TEST(Passthrough, RequestHeadersLoseHopByHopOnesAndTheGatewaysOwn) {
  http::Request::Raw raw;
  raw.method(http::bhttp::verb::post);
  raw.target("/v1/files?purpose=batch");
  raw.set("Authorization", "Bearer caller");
  raw.set("Connection", "keep-alive, X-Secret-Hop");
  raw.set("X-Secret-Hop", "1");
  raw.set("Keep-Alive", "timeout=5");
  raw.set("Transfer-Encoding", "chunked");
  raw.set("Host", "gateway:8080");
  raw.set("Content-Type", "multipart/form-data; boundary=x");
  raw.set("OpenAI-Beta", "assistants=v2");
  raw.set("X-Session-Id", "s1");
  raw.set("X-Cache-Namespace", "n");
  const http::Request req(std::move(raw));
  const auto kept = passthrough_request_headers(req, /*forward_authorization=*/false);
  EXPECT_TRUE(has(kept, "OpenAI-Beta", "assistants=v2"));
  for (const char* gone : {"Authorization", "Connection", "X-Secret-Hop", "Keep-Alive", "Transfer-Encoding", "Host",
                           "Content-Type", "X-Session-Id", "X-Cache-Namespace"}) {
    EXPECT_FALSE(has(kept, gone)) << gone;
  }
  EXPECT_TRUE(has(passthrough_request_headers(req, true), "Authorization", "Bearer caller"));
  EXPECT_EQ(passthrough_endpoint(req.target()), "/files?purpose=batch");
}

TEST(Passthrough, ResponseHeadersLoseFramingAndHopByHopOnes) {
  const http::Headers upstream{{"Content-Type", "application/json"}, {"Content-Length", "12"},
                               {"Transfer-Encoding", "chunked"},    {"Connection", "close"},
                               {"x-request-id", "req_1"},          {"openai-processing-ms", "31"}};
  const auto kept = passthrough_response_headers(upstream);
  EXPECT_TRUE(has(kept, "x-request-id", "req_1"));
  EXPECT_TRUE(has(kept, "openai-processing-ms", "31"));
  EXPECT_EQ(kept.size(), 2u);
}

}  // namespace
}  // namespace ragcache::gateway
