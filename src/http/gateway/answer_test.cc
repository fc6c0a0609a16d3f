#include "http/gateway/answer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/gateway/cache_headers.h"
#include "http/gateway/upstream_chat.h"

namespace ragcache::gateway {
namespace {

namespace json = boost::json;

std::string sample_events() {
  return content_event("Hello") + content_event(", \"world\"\n") +
         finish_event("stop", "m-1", json::parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7})"));
}

TEST(Answer, BuilderAcceptsAnySplit) {
  const std::string events = sample_events();
  for (std::size_t cut = 0; cut <= events.size(); ++cut) {
    AnswerBuilder b;
    auto first = b.add(std::string_view(events).substr(0, cut));
    auto second = b.add(std::string_view(events).substr(cut));
    EXPECT_EQ(first.size() + second.size(), 2u);
    EXPECT_EQ(b.content(), "Hello, \"world\"\n");
    EXPECT_TRUE(b.finished());
    EXPECT_EQ(b.finish_reason(), "stop");
    EXPECT_EQ(b.model(), "m-1");
    EXPECT_EQ(b.bad_lines(), 0u);
  }
}

TEST(Answer, RendersAChatCompletion) {
  AnswerBuilder b;
  b.add(sample_events());
  auto doc = json::parse(render_completion({"chatcmpl-x", 100, "asked-model"}, b)).as_object();
  EXPECT_EQ(doc.at("object"), "chat.completion");
  EXPECT_EQ(doc.at("model"), "asked-model");
  EXPECT_EQ(doc.at("choices").at(0).at("message").at("content"), "Hello, \"world\"\n");
  EXPECT_EQ(doc.at("choices").at(0).at("finish_reason"), "stop");
  EXPECT_EQ(doc.at("usage").at("total_tokens"), 7);
}

TEST(Answer, RendersAnSseStreamThatEndsWithDone) {
  AnswerBuilder b;
  b.add(sample_events());
  ResponseIdentity id{"chatcmpl-y", 5, "m"};
  std::string sse = render_role_chunk(id) + render_content_chunk(id, "Hello") + render_final_chunks(id, b, true);
  EXPECT_EQ(sse.rfind("data: [DONE]\n\n"), sse.size() - 14);
  std::size_t events = 0, pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    ++events;
    pos += 6;
  }
  EXPECT_EQ(events, 5u);  // role, content, finish, usage, [DONE]
  EXPECT_NE(sse.find(R"("usage":{"prompt_tokens":3)"), std::string::npos);
  std::string without_usage = render_final_chunks(id, b, false);
  EXPECT_EQ(without_usage.find("\"usage\""), std::string::npos);
}

TEST(ChunkTranslator, TurnsOpenAiChunksIntoEvents) {
  ChunkTranslator t;
  auto a = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->empty());
  auto b = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})");
  EXPECT_EQ(*b, content_event("hi"));
  auto c = t.translate(R"({"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]})");
  EXPECT_TRUE(c->empty());
  t.translate(R"({"model":"m","choices":[],"usage":{"total_tokens":9}})");
  EXPECT_TRUE(t.saw_finish());
  AnswerBuilder built;
  built.add(*b + t.finish());
  EXPECT_EQ(built.finish_reason(), "length");
  EXPECT_EQ(built.usage().at("total_tokens"), 9);
  EXPECT_FALSE(t.translate("not json").has_value());
  EXPECT_FALSE(t.translate(R"({"error":{"message":"boom"}})").has_value());
}

TEST(CacheHeaders, XCacheAndRfc9211Status) {
  auto h = cache_headers(CacheResult::semantic, 0.93456);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].second, "SEMANTIC");
  EXPECT_EQ(h[1].first, "X-Cache-Similarity");
  EXPECT_EQ(h[1].second, "0.9346");
  EXPECT_EQ(cache_headers(CacheResult::hit)[1].second, "ragcache; hit");
  EXPECT_EQ(cache_headers(CacheResult::bypass, std::nullopt, "redis-unavailable")[1].second,
            "ragcache; fwd=bypass; detail=redis-unavailable");
}

TEST(CacheHeaders, RequestControls) {
  auto cc = parse_cache_control("max-age=0, No-Cache");
  EXPECT_TRUE(cc.no_cache);
  EXPECT_FALSE(cc.no_store);
  EXPECT_TRUE(parse_cache_control("no-store").no_store);
  EXPECT_EQ(parse_namespace("docs-v1.2_x").value(), "docs-v1.2_x");
  EXPECT_FALSE(parse_namespace("").has_value());
  EXPECT_FALSE(parse_namespace("has space").has_value());
  EXPECT_FALSE(parse_namespace(std::string(65, 'a')).has_value());
}

}  // namespace
}  // namespace ragcache::gateway
