// Cluster mode of Client against a real local Redis Cluster (3 primaries + 3 replicas):
// routing of commands, scripts and pipelines; live resharding under load (MOVED/ASK never reach
// the caller); kill -9 of a primary (errors stop shortly after the failover).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "redis/client.h"
#include "redis/cluster_router.h"
#include "redis/cluster_slot.h"
#include "redis/doctor_probe.h"
#include "redis/errors.h"
#include "support/async_test.h"
#include "support/redis_cluster.h"
#include "support/scaled_client_options.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::RedisCluster;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::unique_ptr<Client> make_client(asio::io_context& io, const RedisCluster& cluster) {
  ClientOptions options;
  options.url = cluster.url();
  options.connection.command_timeout = 1500ms;
  options.connection.connect_timeout = 500ms;
  options.connection.reconnect_max = 200ms;
  auto client = Client::create(io.get_executor(), testing::with_scaled_timeouts(options));
  EXPECT_TRUE(client.has_value()) << client.error().message();
  return std::move(*client);
}

// What a load worker saw: successes per key and every error with its time.
struct LoadLog {
  std::mutex mutex;
  std::map<std::string, std::int64_t> increments;
  std::vector<std::pair<Clock::time_point, std::string>> errors;
  std::atomic<std::int64_t> ok{0};
};

// Keeps INCRing counters spread over many slots (and one two-key script per round) until stop.
asio::awaitable<void> load_worker(Client& client, int worker, std::atomic<bool>& stop, LoadLog& log) {
  static const Script incr_both("incr_both",
                                "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[2])");
  int round = 0;
  while (!stop.load()) {
    const std::string tag = "{load" + std::to_string((worker * 7 + round) % 40) + "}";
    const std::string key = tag + ":n";
    auto reply = co_await client.exec(Command("INCR", key));
    std::vector<std::string> keys = {tag + ":a", tag + ":b"};
    std::vector<std::string> args;
    auto scripted = co_await client.eval(incr_both, keys, args);
    std::lock_guard lock(log.mutex);
    if (reply) {
      ++log.increments[key];
      ++log.ok;
    } else {
      log.errors.emplace_back(Clock::now(), "INCR " + key + ": " + reply.error().message());
    }
    if (scripted) {
      ++log.increments[tag + ":b"];
      ++log.ok;
    } else {
      log.errors.emplace_back(Clock::now(), "EVALSHA " + tag + ": " + scripted.error().message());
    }
    ++round;
  }
}

TEST(RedisClusterClient, SlotsMatchTheServer) {
  RedisCluster cluster;
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string key;
    const int len = static_cast<int>(rng() % 20);
    for (int k = 0; k < len; ++k) key.push_back("ab{}c:xyz019"[rng() % 12]);
    EXPECT_EQ(std::to_string(key_slot(key)), cluster.node(0).command({"CLUSTER", "KEYSLOT", key})) << key;
  }
}

TEST(RedisClusterClient, RoutesCommandsScriptsAndPipelines) {
  RedisCluster cluster;
  asio::io_context io;
  auto client = make_client(io, cluster);
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    // Single-key commands: every key lands on its slot's primary.
    std::set<int> owners;
    for (int i = 0; i < 200; ++i) {
      const std::string key = "route:" + std::to_string(i);
      auto set = co_await client->exec(Command("SET", key, "v" + std::to_string(i)));
      EXPECT_TRUE(set.has_value()) << set.error().message();
      const int owner = cluster.primary_of_slot(key_slot(key));
      owners.insert(owner);
      EXPECT_EQ(cluster.node(static_cast<std::size_t>(owner)).command({"GET", key}), "v" + std::to_string(i));
    }
    EXPECT_EQ(owners.size(), 3u) << "keys should spread over the three primaries";

    // Scripts: both keys under one tag, on many tags (so on every node); NOSCRIPT is handled per
    // node after SCRIPT FLUSH everywhere.
    Script pair("pair", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); "
                        "return redis.call('GET', KEYS[2])");
    for (std::size_t n = 0; n < cluster.size(); ++n) cluster.node(n).command({"SCRIPT", "FLUSH"});
    for (int i = 0; i < 30; ++i) {
      const std::string tag = "{s" + std::to_string(i) + "}";
      std::vector<std::string> keys = {tag + ":x", tag + ":y"};
      std::vector<std::string> args = {"val" + std::to_string(i)};
      auto r = co_await client->eval(pair, keys, args);
      EXPECT_TRUE(r.has_value()) << r.error().message();
      if (r) {
        EXPECT_EQ(r->str, "val" + std::to_string(i));
      }
    }

    // A pipeline over many slots: split per node, replies back in the callers' order.
    std::vector<Command> cmds;
    for (int i = 0; i < 60; ++i) cmds.push_back(Command("SET", "pipe:" + std::to_string(i), i));
    for (int i = 0; i < 60; ++i) cmds.push_back(Command("GET", "pipe:" + std::to_string(i)));
    cmds.push_back(Command("PING"));
    cmds.push_back(Command("INCRBY", "pipe:counter", 5));
    auto replies = co_await client->exec_pipeline(std::move(cmds));
    EXPECT_TRUE(replies.has_value()) << replies.error().message();
    if (replies) {
      EXPECT_EQ(replies->size(), 122u);
      for (int i = 0; i < 60; ++i) EXPECT_EQ((*replies)[60 + i].str, std::to_string(i)) << i;
      EXPECT_EQ((*replies)[120].str, "PONG");
      EXPECT_EQ((*replies)[121].integer, 5);
    }
    // MULTI/EXEC on one tag in a pipeline stays together on the tag's node.
    std::vector<Command> tx;
    tx.push_back(Command("GET", "pipe:1"));
    tx.push_back(Command("MULTI"));
    tx.push_back(Command("SET", "{tx}:a", "1"));
    tx.push_back(Command("INCR", "{tx}:b"));
    tx.push_back(Command("EXEC"));
    auto tx_replies = co_await client->exec_pipeline(std::move(tx));
    EXPECT_TRUE(tx_replies.has_value());
    if (tx_replies) {
      EXPECT_TRUE((*tx_replies)[4].is_array()) << (*tx_replies)[4].debug_string();
      EXPECT_EQ((*tx_replies)[4].elements.size(), 2u);
    }

    // A cross-slot command is the server's error, passed through (callers must use hash tags).
    auto cross = co_await client->exec(Command("MGET", "a-key", "another-key"));
    EXPECT_FALSE(cross.has_value());
    if (!cross) {
      EXPECT_TRUE(cross.error().detail.starts_with("CROSSSLOT")) << cross.error().detail;
    }

    // Blocking read on a dedicated connection to the stream's node.
    const std::string stream = "rag:flight:{abc}";
    auto reader = client->dedicated(stream);
    EXPECT_TRUE((co_await client->exec(Command("XADD", stream, "*", "c", "hello"))).has_value());
    auto read =
        co_await (*reader)->exec(Command("XREAD", "BLOCK", 200, "STREAMS", stream, "0"), testing::scaled(2s));
    EXPECT_TRUE(read.has_value()) << read.error().message();
    if (read) {
      EXPECT_NE(read->debug_string().find("hello"), std::string::npos);
    }
  }(), 60s);
}

TEST(RedisClusterClient, LiveReshardingUnderLoadSurfacesNoErrors) {
  RedisCluster cluster;
  asio::io_context io;
  auto client = make_client(io, cluster);
  // Some data in the slots that will move, so MIGRATE has keys to carry while load runs.
  std::vector<int> slots;
  for (int t : {1, 2, 3, 5, 8}) slots.push_back(key_slot("{load" + std::to_string(t) + "}"));
  std::atomic<bool> stop{false};
  LoadLog log;
  std::atomic<std::size_t> moved{0};
  std::atomic<bool> resharded{false};
  std::string reshard_error;
  std::thread resharder([&] {
    try {
      std::this_thread::sleep_for(300ms);
      for (int slot : slots) {
        const int owner = cluster.primary_of_slot(slot);
        const auto primaries = cluster.primaries();
        std::size_t to = primaries.front();
        for (auto p : primaries) {
          if (static_cast<int>(p) != owner) to = p;
        }
        moved += cluster.migrate_slot(slot, to, 1, 10ms);
      }
    } catch (const std::exception& e) {
      reshard_error = e.what();
    }
    resharded = true;
  });
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int w = 0; w < 12; ++w) asio::co_spawn(ex, load_worker(*client, w, stop, log), asio::detached);
    while (!resharded.load()) co_await sleep_for(20ms);
    co_await sleep_for(300ms);  // load continues on the new owners
    stop = true;
    co_await sleep_for(200ms);
  }(), 90s);
  resharder.join();
  ASSERT_TRUE(reshard_error.empty()) << reshard_error;
  EXPECT_GT(moved.load(), 0u) << "the slots should have held keys while moving";
  std::string first_errors;
  for (std::size_t i = 0; i < std::min<std::size_t>(5, log.errors.size()); ++i) first_errors += log.errors[i].second + "\n";
  EXPECT_EQ(log.errors.size(), 0u) << first_errors;
  EXPECT_GT(log.ok.load(), 100);
  // The move was seen and handled by the client (not just avoided by luck).
  const auto stats = dynamic_cast<ClusterRouter&>(*client->router()).stats();
  EXPECT_GT(stats.moved + stats.ask, 0u);
  std::cout << "resharding: " << moved.load() << " keys moved, client followed " << stats.moved << " MOVED, "
            << stats.ask << " ASK, " << stats.retries << " retries\n";
  // Every acknowledged INCR is in the counter, wherever its slot lives now.
  for (const auto& [key, count] : log.increments) {
    const int owner = cluster.primary_of_slot(key_slot(key));
    EXPECT_EQ(cluster.node(static_cast<std::size_t>(owner)).command({"GET", key}), std::to_string(count)) << key;
  }
}

TEST(RedisClusterClient, KillPrimaryErrorsStopSoonAfterFailover) {
  RedisCluster cluster;
  asio::io_context io;
  auto client = make_client(io, cluster);
  const int victim = cluster.primary_of_slot(key_slot("{load0}"));
  ASSERT_GE(victim, 0);
  std::atomic<bool> stop{false};
  LoadLog log;
  std::atomic<bool> failed_over{false};
  Clock::time_point failover_seen{};
  std::string harness_error;
  std::thread killer([&] {
    try {
      std::this_thread::sleep_for(500ms);
      const auto killed_at = Clock::now();
      cluster.node(static_cast<std::size_t>(victim)).kill();
      cluster.wait_healthy(30s);  // a replica took over every slot of the victim
      failover_seen = Clock::now();
      std::cout << "failover took " << std::chrono::duration_cast<std::chrono::milliseconds>(failover_seen - killed_at).count()
                << " ms\n";
    } catch (const std::exception& e) {
      harness_error = e.what();
    }
    failed_over = true;
  });
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    for (int w = 0; w < 8; ++w) asio::co_spawn(ex, load_worker(*client, w, stop, log), asio::detached);
    while (!failed_over.load()) co_await sleep_for(20ms);
    // Longer than the errors are allowed to go on (below), on the same scale.
    co_await sleep_for(testing::scaled(std::chrono::milliseconds(cluster.node_timeout_ms() + 2500)));
    stop = true;
    co_await sleep_for(300ms);
  }(), 90s);
  killer.join();
  ASSERT_TRUE(harness_error.empty()) << harness_error;
  // Node timeout plus the client's (scaled) command timeout and its rediscovery, with slack: a
  // budget, scaled to the machine like the client's timeouts.
  const auto allowed = testing::scaled(std::chrono::milliseconds(cluster.node_timeout_ms()) + 2s);
  std::size_t late = 0;
  std::size_t readonly_after = 0;
  std::string late_text;
  for (const auto& [when, text] : log.errors) {
    if (when > failover_seen + allowed) {
      ++late;
      if (late_text.empty()) late_text = text;
    }
    if (when > failover_seen && text.find("READONLY") != std::string::npos) ++readonly_after;
  }
  EXPECT_EQ(late, 0u) << "errors went on after the failover: " << late_text;
  EXPECT_EQ(readonly_after, 0u);
  // The killed primary's slots are written again on the promoted replica.
  auto owner = cluster.primary_of_slot(key_slot("{load0}"));
  EXPECT_NE(owner, victim);
  EXPECT_GT(log.ok.load(), 100);
  std::cout << "failover: " << log.errors.size() << " errors while the primary was down\n";
}

TEST(RedisClusterClient, DoctorExaminesEveryPrimary) {
  RedisCluster cluster;
  // Cache keys on every primary; one without a TTL on whichever node owns its slot.
  for (int i = 0; i < 30; ++i) {
    const std::string key = "rag:exact:{" + std::to_string(i) + "}";
    const int owner = cluster.primary_of_slot(key_slot(key));
    cluster.node(static_cast<std::size_t>(owner)).command({"SET", key, "v", "EX", std::to_string(600 + 60 * i)});
  }
  const std::string forever = "lock:rag:{forever}";
  cluster.node(static_cast<std::size_t>(cluster.primary_of_slot(key_slot(forever)))).command({"SET", forever, "t"});
  asio::io_context io;
  auto reports = testing::run_async(io, examine(io.get_executor(), RedisRole::cache, cluster.url()), 60s);
  ASSERT_EQ(reports.size(), 3u) << render_text(reports);
  int flagged = 0;
  for (const auto& r : reports) {
    EXPECT_FALSE(r.error.has_value()) << *r.error;
    for (const auto& f : r.findings) {
      if (f.check == "ttl" && f.severity == Severity::problem) {
        ++flagged;
        EXPECT_NE(f.message.find(forever), std::string::npos);
      }
    }
  }
  EXPECT_EQ(flagged, 1) << render_text(reports);
}

}  // namespace
}  // namespace ragcache::redis
