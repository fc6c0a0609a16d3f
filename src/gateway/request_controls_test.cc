#include "gateway/request_controls.h"

#include <gtest/gtest.h>

namespace ragcache::gateway {
namespace {

http::Request request_with(std::vector<std::pair<std::string, std::string>> headers) {
  http::Request::Raw raw;
  raw.method(http::bhttp::verb::post);
  raw.target("/v1/chat/completions");
  for (auto& [k, v] : headers) raw.set(k, v);
  return http::Request(std::move(raw));
}

TEST(RequestControls, EachHeaderBecomesOneTypedValue) {
  auto rc = parse_request_controls(request_with({{"X-Cache-Namespace", "docs.v2"},
                                                 {"X-Session-Id", "user-42:chat-1"},
                                                 {"X-Source-Docs", "a, b ,a"},
                                                 {"X-Semantic-Threshold", "0.97"},
                                                 {"X-Resolved-Query", "  what is redis?  "},
                                                 {"Cache-Control", "No-Cache, no-store"}}));
  ASSERT_TRUE(rc) << rc.error().message;
  EXPECT_EQ(rc->name_space.value, "docs.v2");
  EXPECT_EQ(rc->session->value, "user-42:chat-1");
  EXPECT_EQ(*rc->source_docs, (std::vector<std::string>{"a", "b"}));
  EXPECT_FLOAT_EQ(*rc->semantic_threshold, 0.97f);
  EXPECT_EQ(*rc->resolved_query, "what is redis?");
  EXPECT_TRUE(rc->cache_control.no_cache);
  EXPECT_TRUE(rc->cache_control.no_store);
  auto none = parse_request_controls(request_with({}));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->name_space.value.empty());
  EXPECT_FALSE(none->session || none->source_docs || none->semantic_threshold || none->resolved_query);
}

TEST(RequestControls, BadValuesNameTheirHeader) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += "doc" + std::to_string(i) + ",";
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-Cache-Namespace", "has space"}, {"X-Cache-Namespace", std::string(65, 'a')},
           {"X-Session-Id", "a{b}"}, {"X-Session-Id", std::string(129, 'a')},
           {"X-Source-Docs", many}, {"X-Source-Docs", "ok,{bad}"},
           {"X-Semantic-Threshold", "high"}, {"X-Semantic-Threshold", "1.5"},
           {"X-Resolved-Query", "   "}, {"X-Resolved-Query", std::string(4097, 'q')}}) {
    auto rc = parse_request_controls(request_with({{name, value}}));
    ASSERT_FALSE(rc) << name << ": " << value;
    EXPECT_EQ(rc.error().status, 400);
    EXPECT_EQ(rc.error().param.value_or(""), name);
  }
}

TEST(RequestControls, ACallerCanOnlyRaiseTheThreshold) {
  EXPECT_FLOAT_EQ(effective_threshold(0.9f, std::nullopt), 0.9f);
  EXPECT_FLOAT_EQ(effective_threshold(0.9f, 0.95f), 0.95f);
  EXPECT_FLOAT_EQ(effective_threshold(0.9f, 0.0f), 0.9f);  // "X-Semantic-Threshold: 0" does not widen
}

}  // namespace
}  // namespace ragcache::gateway
