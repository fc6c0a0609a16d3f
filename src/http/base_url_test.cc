#include "http/base_url.h"

#include <gtest/gtest.h>

namespace ragcache::http {
namespace {

TEST(BaseUrl, HttpWithPortAndPath) {
  auto u = parse_base_url("http://127.0.0.1:8081/v1");
  ASSERT_TRUE(u.has_value()) << u.error().message();
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8081);
  EXPECT_EQ(u->base_path, "/v1");
  EXPECT_EQ(u->target_for("/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(u->target_for("embeddings"), "/v1/embeddings");
  EXPECT_EQ(u->host_header(), "127.0.0.1:8081");
}

TEST(BaseUrl, HttpsDefaultsAndTrailingSlash) {
  auto u = parse_base_url("HTTPS://api.openai.com/v1/");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->base_path, "/v1");
  EXPECT_EQ(u->host_header(), "api.openai.com");
  EXPECT_EQ(u->authority(), "api.openai.com:443");
}

TEST(BaseUrl, NoPathAndIpv6) {
  auto u = parse_base_url("http://[::1]:9000");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->base_path, "");
  EXPECT_EQ(u->target_for("/v1/models"), "/v1/models");
  EXPECT_EQ(u->host_header(), "[::1]:9000");
}

TEST(BaseUrl, Rejections) {
  for (const char* bad : {"", "localhost:8080", "ftp://x/v1", "http://", "http://h:99999/v1", "http://h:0/",
                          "http://h/v1?x=1", "http://h/v1#frag", "not a url"}) {
    auto u = parse_base_url(bad);
    EXPECT_FALSE(u.has_value()) << bad;
  }
}

}  // namespace
}  // namespace ragcache::http
