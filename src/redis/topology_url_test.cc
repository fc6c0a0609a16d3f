#include "redis/topology_url.h"

#include <gtest/gtest.h>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

TEST(TopologyUrl, ClusterSeedsWithCredentials) {
  auto spec = parse_cluster_url("redis-cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2:7001,node3");
  ASSERT_TRUE(spec.has_value()) << spec.error().message();
  ASSERT_EQ(spec->seeds.size(), 3u);
  EXPECT_EQ(spec->seeds[0].host, "10.0.0.1");
  EXPECT_EQ(spec->seeds[0].port, 7000);
  EXPECT_EQ(spec->seeds[1].port, 7001);
  EXPECT_EQ(spec->seeds[2].host, "node3");
  EXPECT_EQ(spec->seeds[2].port, 6379);
  for (const auto& s : spec->seeds) {
    EXPECT_EQ(s.user, "app");
    EXPECT_EQ(s.password, "p@ss");
    EXPECT_EQ(s.transport, Endpoint::Transport::tcp);
  }
  auto tls = parse_cluster_url("rediss-cluster://[::1]:7000");
  ASSERT_TRUE(tls.has_value());
  EXPECT_EQ(tls->seeds[0].host, "::1");
  EXPECT_EQ(tls->seeds[0].transport, Endpoint::Transport::tls);
}

TEST(TopologyUrl, SentinelMasterNameDbAndSentinelPassword) {
  auto spec = parse_sentinel_url("redis-sentinel://:secret@s1:5000,s2/mymaster/2?sentinel_password=sp");
  ASSERT_TRUE(spec.has_value()) << spec.error().message();
  EXPECT_EQ(spec->master_name, "mymaster");
  ASSERT_EQ(spec->sentinels.size(), 2u);
  EXPECT_EQ(spec->sentinels[0].port, 5000);
  EXPECT_EQ(spec->sentinels[1].port, 26379);
  EXPECT_EQ(spec->sentinels[0].password, "sp");
  EXPECT_EQ(spec->node_template.password, "secret");
  EXPECT_EQ(spec->node_template.db, 2);
}

TEST(TopologyUrl, BadUrlsAreClearErrors) {
  for (const char* url : {"redis-cluster://", "redis-cluster://h:0", "redis-cluster://h:99999", "redis-cluster://h:x",
                          "redis-cluster://h:1/3", "redis-sentinel://h:1", "redis-sentinel://h:1/",
                          "redis-sentinel://h:1/m/x", "redis-sentinel://h:1/m?bogus=1", "redis-cluster://[::1"}) {
    const bool is_cluster = std::string_view(url).starts_with("redis-cluster");
    const Error error = is_cluster ? parse_cluster_url(url).error() : parse_sentinel_url(url).error();
    EXPECT_EQ(error.code, Errc::bad_url) << url;
    EXPECT_FALSE(error.detail.empty()) << url;
  }
}

TEST(TopologyUrl, SchemeDetection) {
  EXPECT_TRUE(is_cluster_url("redis-cluster://a:1"));
  EXPECT_TRUE(is_sentinel_url("redis-sentinel://a:1/m"));
  EXPECT_FALSE(is_cluster_url("redis://a:1"));
  EXPECT_FALSE(is_sentinel_url("redis://a:1"));
}

}  // namespace
}  // namespace ragcache::redis
