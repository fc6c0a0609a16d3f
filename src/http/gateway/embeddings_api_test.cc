#include "http/gateway/embeddings_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

TEST(EmbeddingsApi, ParsesStringAndArrayInputs) {
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

TEST(EmbeddingsApi, RejectsBadInputWithTheOffendingParam) {
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
    EXPECT_EQ(r.error().status, 400) << body;
    EXPECT_EQ(r.error().param.value_or(""), param) << body;
  }
}

TEST(EmbeddingsApi, CacheScopeSeparatesTenantsModelsAndDimensions) {
  EmbeddingsRequest r{.model = "m", .inputs = {"x"}};
  EXPECT_EQ(embeddings_cache_scope("abc", false, r), "tabc.m");
  EXPECT_EQ(embeddings_cache_scope("abc", true, r), "m");
  r.dimensions = 64;
  EXPECT_EQ(embeddings_cache_scope("abc", false, r), "tabc.m@64");
}

TEST(EmbeddingsApi, RendersEveryVectorInOrder) {
  const std::vector<embed::Vector> vectors{{1.0f, 0.0f}, {0.5f, -0.5f}};
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

}  // namespace
}  // namespace ragcache::gateway
