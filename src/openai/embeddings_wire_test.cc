#include "openai/embeddings_wire.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>


namespace ragcache::openai {
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
  EXPECT_EQ(r->vectors[0], (EmbeddingVector{1.0f, 0.0f}));
  EXPECT_EQ(r->vectors[1], (EmbeddingVector{0.5f, 0.25f}));
  EXPECT_EQ(r->usage.prompt_tokens, 7);
  EXPECT_EQ(r->usage.total_tokens, 7);
  EXPECT_EQ(r->model, "m");
}

TEST(OpenAiEmbeddingJson, ReadsBase64Vectors) {
  // base64 of float32 LE {1.0, -2.0}: bytes 00 00 80 3f 00 00 00 c0.
  const std::string body = R"({"data":[{"index":0,"embedding":"AACAPwAAAMA="}]})";
  auto r = parse_embedding_response(body, 1);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->vectors[0], (EmbeddingVector{1.0f, -2.0f}));
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
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::invalid_argument) << body;
    }
  }
}

TEST(OpenAiEmbeddingJson, ErrorMessagesNameStatusAndUpstreamText) {
  EXPECT_EQ(upstream_error_message(401, R"({"error":{"message":"bad key"}})"), "embeddings endpoint answered 401: bad key");
  EXPECT_EQ(upstream_error_message(502, "gateway down"), "embeddings endpoint answered 502: gateway down");
}

TEST(EmbeddingsWire, ParsesStringAndArrayInputs) {
  auto one = parse_embeddings_request(R"({"model":"m","input":"hello"})");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->model, "m");
  EXPECT_EQ(one->inputs, (std::vector<std::string>{"hello"}));
  EXPECT_FALSE(one->base64);
  EXPECT_FALSE(one->dimensions);
  auto many = parse_embeddings_request(R"({"model":"m","input":["a","b"],"encoding_format":"base64","dimensions":8})");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->inputs.size(), 2u);
  EXPECT_TRUE(many->base64);
  EXPECT_EQ(many->dimensions, 8u);
}

TEST(EmbeddingsWire, RejectsBadInputWithTheOffendingParam) {
  const EmbeddingsLimits limits{.max_inputs = 3, .max_input_bytes = 5};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nope", ""},
      {R"({"input":"a"})", "model"},
      {R"({"model":"m"})", "input"},
      {R"({"model":"m","input":[]})", "input"},
      {R"({"model":"m","input":[1,2]})", "input"},
      {R"({"model":"m","input":["a",null]})", "input"},
      {R"({"model":"m","input":""})", "input"},
      {R"({"model":"m","input":["a","b","c","d"]})", "input"},  // too many
      {R"({"model":"m","input":"toolong"})", "input"},          // too long
      {R"({"model":"m","input":"a","encoding_format":"hex"})", "encoding_format"},
      {R"({"model":"m","input":"a","dimensions":0})", "dimensions"},
      {R"({"model":"m","input":"a","dimensions":"8"})", "dimensions"},
  };
  for (const auto& [body, param] : cases) {
    auto r = parse_embeddings_request(body, limits);
    ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().param.value_or(""), param) << body;
  }
}

TEST(EmbeddingsWire, RendersEveryVectorInOrder) {
  const std::vector<EmbeddingVector> vectors{{1.0f, 0.0f}, {0.5f, -0.5f}};
  auto o = json::parse(render_embeddings_response("m", vectors, false, {.prompt_tokens = 3, .total_tokens = 3})).as_object();
  EXPECT_EQ(o.at("object"), "list");
  EXPECT_EQ(o.at("model"), "m");
  const auto& data = o.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].at("index").to_number<int>(), 1);
  EXPECT_EQ(data[1].at("object"), "embedding");
  EXPECT_DOUBLE_EQ(data[1].at("embedding").as_array()[1].to_number<double>(), -0.5);
  EXPECT_EQ(o.at("usage").at("prompt_tokens").to_number<int>(), 3);
  auto b = json::parse(render_embeddings_response("m", vectors, true, {})).as_object();
  EXPECT_EQ(b.at("data").as_array()[0].at("embedding"), "AACAPwAAAAA=");  // float32 LE {1, 0}
}

TEST(EmbeddingsWire, Base64OfLittleEndianFloats) {
  const std::vector<float> one{1.0f}, two{1.0f, -2.0f};
  EXPECT_EQ(embedding_to_base64(one), "AACAPw==");          // 00 00 80 3F
  EXPECT_EQ(embedding_to_base64(two), "AACAPwAAAMA=");      // + 00 00 00 C0
  EXPECT_EQ(embedding_to_base64(std::span<const float>()), "");
}

}  // namespace
}  // namespace ragcache::openai
