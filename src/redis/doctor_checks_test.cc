// Doctor rules on canned INFO output (the shape redis-server 7.0 prints).
#include "redis/doctor_checks.h"

#include <gtest/gtest.h>

namespace ragcache::redis {
namespace {

constexpr std::string_view kInfo =
    "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n"
    "# Memory\r\nused_memory:1048576\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n\r\n"
    "# Persistence\r\naof_enabled:1\r\nrdb_last_save_time:1700000000\r\n\r\n"
    "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n";

ServerFacts facts_from(std::string_view info) {
  ServerFacts f;
  f.info = parse_info(info);
  f.appendfsync = "everysec";
  f.latency_ms = 0.2;
  return f;
}

const Finding* find(const std::vector<Finding>& findings, std::string_view check) {
  for (const auto& f : findings) {
    if (f.check == check) return &f;
  }
  return nullptr;
}

Severity severity_of(const std::vector<Finding>& findings, std::string_view check) {
  const Finding* f = find(findings, check);
  EXPECT_NE(f, nullptr) << "no finding for " << check;
  return f ? f->severity : Severity::ok;
}

TEST(DoctorChecks, ParsesInfo) {
  auto info = parse_info(kInfo);
  EXPECT_EQ(info["redis_version"], "7.0.15");
  EXPECT_EQ(info["maxmemory_policy"], "noeviction");
  EXPECT_EQ(info["role"], "master");
  EXPECT_FALSE(info.contains("# Server"));
  EXPECT_TRUE(parse_info("").empty());
  EXPECT_TRUE(parse_info("garbage without colon\n").empty());
}

TEST(DoctorChecks, GoodStateServerPasses) {
  auto findings = diagnose(RedisRole::state, facts_from(kInfo));
  EXPECT_FALSE(has_problem(findings));
  EXPECT_EQ(severity_of(findings, "persistence"), Severity::ok);
  EXPECT_EQ(severity_of(findings, "eviction"), Severity::ok);
  EXPECT_EQ(severity_of(findings, "version"), Severity::ok);
}

TEST(DoctorChecks, StateServerWithoutAofOrWithEvictionIsAProblem) {
  std::string info(kInfo);
  info.replace(info.find("aof_enabled:1"), 13, "aof_enabled:0");
  auto no_aof = diagnose(RedisRole::state, facts_from(info));
  EXPECT_TRUE(has_problem(no_aof));
  EXPECT_EQ(severity_of(no_aof, "persistence"), Severity::problem);

  for (const char* policy : {"allkeys-lru", "volatile-lru", "allkeys-random", "volatile-ttl", "allkeys-lfu"}) {
    std::string evicting(kInfo);
    evicting.replace(evicting.find("noeviction"), 10, policy);
    auto findings = diagnose(RedisRole::state, facts_from(evicting));
    EXPECT_EQ(severity_of(findings, "eviction"), Severity::problem) << policy;
    // The same server is fine as a cache.
    EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts_from(evicting)), "eviction"), Severity::ok) << policy;
  }
  auto lazy = facts_from(kInfo);
  lazy.appendfsync = "no";
  EXPECT_EQ(severity_of(diagnose(RedisRole::state, lazy), "persistence"), Severity::warning);
}

TEST(DoctorChecks, CacheServerWantsBoundedEvictingMemoryButNotAof) {
  std::string info(kInfo);
  info.replace(info.find("aof_enabled:1"), 13, "aof_enabled:0");
  auto findings = diagnose(RedisRole::cache, facts_from(info));
  EXPECT_EQ(severity_of(findings, "persistence"), Severity::ok);
  EXPECT_EQ(severity_of(findings, "eviction"), Severity::warning);   // noeviction
  EXPECT_EQ(severity_of(findings, "maxmemory"), Severity::warning);  // 0 = unbounded
  EXPECT_FALSE(has_problem(findings));
}

TEST(DoctorChecks, MemoryAlmostFull) {
  std::string info(kInfo);
  info.replace(info.find("maxmemory:0"), 11, "maxmemory:1100000");
  EXPECT_EQ(severity_of(diagnose(RedisRole::state, facts_from(info)), "maxmemory"), Severity::problem);
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts_from(info)), "maxmemory"), Severity::warning);
  std::string roomy(kInfo);
  roomy.replace(roomy.find("maxmemory:0"), 11, "maxmemory:100000000");
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts_from(roomy)), "maxmemory"), Severity::ok);
}

TEST(DoctorChecks, OldVersionAndReplicaAreProblems) {
  std::string old(kInfo);
  old.replace(old.find("7.0.15"), 6, "6.0.16");
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts_from(old)), "version"), Severity::problem);
  std::string replica(kInfo);
  replica.replace(replica.find("role:master"), 11, "role:slave");
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts_from(replica)), "role"), Severity::problem);
}

TEST(DoctorChecks, CacheKeysWithoutTtlAreAProblemOnlyUnderCachePrefixes) {
  auto facts = facts_from(kInfo);
  facts.samples = {{"rag:exact:{a}", 60000, 100}, {"session:{s}:log", std::nullopt, 100}, {"rl:{k}", std::nullopt, 10}};
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, facts), "ttl"), Severity::ok);
  for (const char* key : {"rag:exact:{b}", "rag:flight:{c}", "lock:rag:{d}", "rag:sem:p:1", "emb:m:h", "rag:hot:{n}:5"}) {
    auto bad = facts;
    bad.samples.push_back({key, std::nullopt, 10});
    auto findings = diagnose(RedisRole::cache, bad);
    EXPECT_EQ(severity_of(findings, "ttl"), Severity::problem) << key;
    EXPECT_NE(find(findings, "ttl")->message.find(key), std::string::npos);
  }
  // The state role does not require TTLs (sessions may live until deleted).
  auto state = facts;
  state.samples.push_back({"rag:exact:{b}", std::nullopt, 10});
  EXPECT_EQ(find(diagnose(RedisRole::state, state), "ttl"), nullptr);
}

TEST(DoctorChecks, TtlClusteringWarnsOnAvalancheRisk) {
  auto clustered = facts_from(kInfo);
  for (int i = 0; i < 100; ++i) clustered.samples.push_back({"rag:exact:{" + std::to_string(i) + "}", 3600000 + i * 10, 1});
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, clustered), "ttl_clustering"), Severity::warning);
  auto spread = facts_from(kInfo);
  for (int i = 0; i < 100; ++i) spread.samples.push_back({"rag:exact:{" + std::to_string(i) + "}", 3600000 + i * 60000, 1});
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, spread), "ttl_clustering"), Severity::ok);
  auto few = facts_from(kInfo);  // a handful of keys in one minute is no avalanche
  for (int i = 0; i < 5; ++i) few.samples.push_back({"emb:m:" + std::to_string(i), 1000, 1});
  EXPECT_EQ(severity_of(diagnose(RedisRole::cache, few), "ttl_clustering"), Severity::ok);
}

TEST(DoctorChecks, BigKeysAndSlowLatencyAreWarnings) {
  auto facts = facts_from(kInfo);
  facts.samples = {{"rag:exact:{a}", 1000, 5 << 20}, {"rag:exact:{b}", 1000, 100}, {"doc:{x}", std::nullopt, std::nullopt}};
  facts.latency_ms = 12;
  auto findings = diagnose(RedisRole::state, facts);
  EXPECT_EQ(severity_of(findings, "big_keys"), Severity::warning);
  EXPECT_NE(find(findings, "big_keys")->message.find("rag:exact:{a}"), std::string::npos);
  EXPECT_EQ(severity_of(findings, "latency"), Severity::warning);
  EXPECT_FALSE(has_problem(findings));
}

}  // namespace
}  // namespace ragcache::redis
