// `ragcache doctor` checks against real redis-servers configured well and badly.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "redis/doctor_probe.h"
#include "support/async_test.h"
#include "support/redis_server.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RedisServer;
using testing::RedisServerOptions;

std::vector<RoleReport> run_examine(RedisRole role, const std::string& url) {
  asio::io_context io;
  return testing::run_async(io, examine(io.get_executor(), role, url), 30s);
}

const Finding* find(const RoleReport& report, std::string_view check) {
  for (const auto& f : report.findings) {
    if (f.check == check) return &f;
  }
  return nullptr;
}

TEST(DoctorIntegration, FlagsMisconfiguredStateServer) {
  RedisServerOptions options;
  options.extra_args = {"--appendonly", "no", "--maxmemory-policy", "allkeys-lru"};
  RedisServer server(options);
  auto reports = run_examine(RedisRole::state, server.url());
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_FALSE(reports[0].error.has_value()) << *reports[0].error;
  EXPECT_TRUE(report_has_problem(reports));
  ASSERT_NE(find(reports[0], "persistence"), nullptr);
  EXPECT_EQ(find(reports[0], "persistence")->severity, Severity::problem);
  ASSERT_NE(find(reports[0], "eviction"), nullptr);
  EXPECT_EQ(find(reports[0], "eviction")->severity, Severity::problem);
  EXPECT_NE(render_json(reports).find("\"ok\":false"), std::string::npos);
}

TEST(DoctorIntegration, PassesGoodStateServer) {
  RedisServerOptions options;
  options.extra_args = {"--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"};
  RedisServer server(options);
  server.command({"RPUSH", "session:{s1}:log", "hello"});  // state keys need no TTL
  auto reports = run_examine(RedisRole::state, server.url());
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(report_has_problem(reports)) << render_text(reports);
  EXPECT_EQ(find(reports[0], "persistence")->severity, Severity::ok);
}

TEST(DoctorIntegration, CacheKeysWithoutTtlAndClusteredExpiries) {
  RedisServerOptions options;
  options.extra_args = {"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"};
  RedisServer server(options);
  // Jittered TTLs, spread over an hour: fine.
  for (int i = 0; i < 60; ++i) {
    server.command({"SET", "rag:exact:{" + std::to_string(i) + "}", "answer", "EX", std::to_string(600 + i * 60)});
  }
  server.command({"SET", "unrelated:key", "x"});  // not ragcache's: ignored
  auto good = run_examine(RedisRole::cache, server.url());
  ASSERT_EQ(good.size(), 1u);
  EXPECT_FALSE(report_has_problem(good)) << render_text(good);
  EXPECT_EQ(find(good[0], "ttl_clustering")->severity, Severity::ok) << render_text(good);

  // The same hour for 100 keys: an avalanche risk; and a cache key without TTL: a problem.
  for (int i = 0; i < 100; ++i) server.command({"SET", "emb:m:" + std::to_string(i), "v", "EX", "7200"});
  server.command({"SET", "lock:rag:{forever}", "token"});
  auto bad = run_examine(RedisRole::cache, server.url());
  EXPECT_TRUE(report_has_problem(bad));
  EXPECT_EQ(find(bad[0], "ttl")->severity, Severity::problem);
  EXPECT_NE(find(bad[0], "ttl")->message.find("lock:rag:{forever}"), std::string::npos);
  EXPECT_EQ(find(bad[0], "ttl_clustering")->severity, Severity::warning);
}

TEST(DoctorIntegration, FindsBigKeys) {
  RedisServer server;
  server.command({"SET", "rag:exact:{big}", std::string(2 << 20, 'x'), "EX", "600"});
  auto reports = run_examine(RedisRole::cache, server.url());
  ASSERT_NE(find(reports[0], "big_keys"), nullptr);
  EXPECT_EQ(find(reports[0], "big_keys")->severity, Severity::warning);
  EXPECT_NE(find(reports[0], "big_keys")->message.find("rag:exact:{big}"), std::string::npos);
}

TEST(DoctorIntegration, UnreachableServerIsAProblemNotACrash) {
  auto reports = run_examine(RedisRole::cache, "redis://127.0.0.1:1");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].error.has_value());
  EXPECT_TRUE(report_has_problem(reports));
  auto bad_url = run_examine(RedisRole::state, "redis-sentinel://h:1");  // no master name
  ASSERT_EQ(bad_url.size(), 1u);
  EXPECT_TRUE(bad_url[0].error.has_value());
}

}  // namespace
}  // namespace ragcache::redis
