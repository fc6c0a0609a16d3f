#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace ragcache::http {
namespace {

TEST(ListenAddress, Valid) {
  auto a = parse_listen_address("127.0.0.1:8081");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8081);
  auto b = parse_listen_address("[::1]:0");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  auto c = parse_listen_address("localhost:65535");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "localhost");
}

TEST(ListenAddress, Invalid) {
  for (const char* bad : {"", "8080", ":8080", "host:", "host:abc", "host:70000", "::1:80", "[::1]80", "[::1"}) {
    auto a = parse_listen_address(bad);
    EXPECT_FALSE(a.has_value()) << bad;
    if (!a) { EXPECT_NE(a.error().message().find("listen address"), std::string::npos); }
  }
}

}  // namespace
}  // namespace ragcache::http
