#include "embed/openai_embedding_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "embed/vector_bytes.h"

namespace ragcache::embed {
namespace {

namespace json = boost::json;

TEST(OpenAiEmbeddingJson, BuildsTheRequestWithOptionalDimensions) {
  const std::vector<std::string> inputs{"a \"quoted\" text", "b"};
  auto plain = json::parse(build_embedding_request("m1", inputs)).as_object();
  EXPECT_EQ(plain.at("model"), "m1");
  ASSERT_EQ(plain.at("input").as_array().size(), 2u);
  EXPECT_EQ(plain.at("input").as_array()[0], "a \"quoted\" text");
  EXPECT_EQ(plain.at("encoding_format"), "float");
  EXPECT_FALSE(plain.contains("dimensions"));
  auto sized = json::parse(build_embedding_request("m1", inputs, 64)).as_object();
  EXPECT_EQ(sized.at("dimensions").to_number<int>(), 64);
}

TEST(OpenAiEmbeddingJson, PlacesVectorsByIndexAndReadsUsage) {
  // Out of order on purpose: `index` decides the position, not the array order.
  const std::string body = R"({"object":"list","model":"m",
    "data":[{"index":1,"embedding":[0.5,0.25]},{"index":0,"embedding":[1,0]}],
    "usage":{"prompt_tokens":7,"total_tokens":7}})";
  auto r = parse_embedding_response(body, 2);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->vectors.size(), 2u);
  EXPECT_EQ(r->vectors[0], (Vector{1.0f, 0.0f}));
  EXPECT_EQ(r->vectors[1], (Vector{0.5f, 0.25f}));
  EXPECT_EQ(r->usage.prompt_tokens, 7);
  EXPECT_EQ(r->usage.total_tokens, 7);
  EXPECT_EQ(r->model, "m");
}

TEST(OpenAiEmbeddingJson, ReadsBase64Vectors) {
  // base64 of float32 LE {1.0, -2.0}: bytes 00 00 80 3f 00 00 00 c0.
  const std::string body = R"({"data":[{"index":0,"embedding":"AACAPwAAAMA="}]})";
  auto r = parse_embedding_response(body, 1);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->vectors[0], (Vector{1.0f, -2.0f}));
}

TEST(OpenAiEmbeddingJson, RejectsMalformedResponses) {
  const std::vector<std::pair<std::string, std::size_t>> bad = {
      {"not json", 1},
      {R"({"data":{}})", 1},
      {R"({"data":[]})", 1},                                                   // too few
      {R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[1]}]})", 2},  // duplicate
      {R"({"data":[{"index":5,"embedding":[1]}]})", 1},                        // out of range
      {R"({"data":[{"index":0}]})", 1},                                        // no vector
      {R"({"data":[{"index":0,"embedding":["x"]}]})", 1},                      // not numeric
      {R"({"data":[{"index":0,"embedding":[]}]})", 1},                         // empty
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1]}]})", 2},  // lengths differ
      {R"({"data":[{"index":0,"embedding":"!!"}]})", 1},                       // bad base64
  };
  for (const auto& [body, n] : bad) {
    auto r = parse_embedding_response(body, n);
    EXPECT_FALSE(r) << body;
    if (!r) EXPECT_EQ(r.error().code, Errc::invalid_argument) << body;
  }
}

TEST(OpenAiEmbeddingJson, ErrorMessagesNameStatusAndUpstreamText) {
  EXPECT_EQ(upstream_error_message(401, R"({"error":{"message":"bad key"}})"), "embeddings endpoint answered 401: bad key");
  EXPECT_EQ(upstream_error_message(502, "gateway down"), "embeddings endpoint answered 502: gateway down");
}

TEST(VectorBytes, RoundTripsAndRejectsPartialFloats) {
  const Vector v{0.5f, -1.25f, 3.0f};
  auto bytes = encode_vector_bytes(v);
  EXPECT_EQ(bytes.size(), 12u);
  EXPECT_EQ(decode_vector_bytes(bytes).value(), v);
  EXPECT_FALSE(decode_vector_bytes(bytes.substr(0, 5)));
}

}  // namespace
}  // namespace ragcache::embed
