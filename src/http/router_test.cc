#include "http/router.h"

#include <gtest/gtest.h>

namespace ragcache::http {
namespace {

Handler noop() {
  return [](Request&, ResponseWriter&) -> boost::asio::awaitable<void> { co_return; };
}

TEST(Router, LiteralAndParamRoutes) {
  Router r;
  r.get("/healthz", noop());
  r.get("/v1/ragcache/sessions/{sid}", noop());
  r.post("/v1/ragcache/sessions/{sid}/messages", noop());
  auto m = r.match(bhttp::verb::get, "/healthz");
  EXPECT_NE(m.handler, nullptr);
  EXPECT_TRUE(m.params.empty());

  m = r.match(bhttp::verb::get, "/v1/ragcache/sessions/abc%2F1");
  ASSERT_NE(m.handler, nullptr);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "sid");
  EXPECT_EQ(m.params[0].second, "abc/1");

  m = r.match(bhttp::verb::post, "/v1/ragcache/sessions/s9/messages");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "s9");
}

TEST(Router, DistinctHandlersForDistinctRoutes) {
  Router r;
  r.get("/a/{x}", noop());
  r.get("/a/{x}/b", noop());
  auto m1 = r.match(bhttp::verb::get, "/a/1");
  auto m2 = r.match(bhttp::verb::get, "/a/1/b");
  ASSERT_NE(m1.handler, nullptr);
  ASSERT_NE(m2.handler, nullptr);
  EXPECT_NE(m1.handler, m2.handler);
}

TEST(Router, NoMatchAndEmptyParam) {
  Router r;
  r.get("/v1/ragcache/sessions/{sid}", noop());
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/ragcache/sessions/").handler, nullptr);
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/ragcache/sessions").handler, nullptr);
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/ragcache/sessions/a/b").handler, nullptr);
  EXPECT_EQ(r.match(bhttp::verb::get, "/nope").handler, nullptr);
  EXPECT_TRUE(r.match(bhttp::verb::get, "/nope").allow.empty());
  // A malformed escape does not match (answered 404 rather than with a garbled id).
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/ragcache/sessions/%zz").handler, nullptr);
}

TEST(Router, OtherMethodGivesAllowList) {
  Router r;
  r.get("/v1/ragcache/sessions/{sid}", noop());
  r.del("/v1/ragcache/sessions/{sid}", noop());
  auto m = r.match(bhttp::verb::post, "/v1/ragcache/sessions/x");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "GET, DELETE");
}

TEST(Router, FallbackTakesWhatNoRouteTakesUnderItsPrefix) {
  Router r;
  r.post("/v1/chat/completions", noop());
  r.get("/v1/ragcache/sessions/{sid}", noop());
  r.fallback("/v1/", {"/v1/ragcache/"}, noop());
  const auto* chat = r.match(bhttp::verb::post, "/v1/chat/completions").handler;
  const auto* other = r.match(bhttp::verb::post, "/v1/moderations").handler;
  ASSERT_NE(chat, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_NE(chat, other);
  // Another method on a handled path is the upstream's to judge (GET /v1/chat/completions lists
  // stored completions), not a 405.
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/chat/completions").handler, other);
  EXPECT_EQ(r.match(bhttp::verb::delete_, "/v1/files/file-1").handler, other);
  // Excluded and outside prefixes keep their 404 / 405.
  EXPECT_EQ(r.match(bhttp::verb::get, "/v1/ragcache/nope").handler, nullptr);
  EXPECT_EQ(r.match(bhttp::verb::post, "/v1/ragcache/sessions/x").allow, "GET");
  EXPECT_EQ(r.match(bhttp::verb::get, "/v2/models").handler, nullptr);
}

TEST(Router, MalformedPatternsThrow) {
  Router r;
  EXPECT_THROW(r.get("healthz", noop()), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{}", noop()), std::invalid_argument);
  EXPECT_THROW(r.get("/a/x{y}", noop()), std::invalid_argument);
}

TEST(Router, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b"), "a b");
  EXPECT_EQ(percent_decode("%41%42"), "AB");
  EXPECT_EQ(percent_decode("plain"), "plain");
  EXPECT_EQ(percent_decode("bad%2"), std::nullopt);
  EXPECT_EQ(percent_decode("bad%g0"), std::nullopt);
}

TEST(Router, SplitPath) {
  EXPECT_EQ(split_path("/"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split_path("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_path("/a/"), (std::vector<std::string_view>{"a", ""}));
}

}  // namespace
}  // namespace ragcache::http
