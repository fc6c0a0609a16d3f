// Durability of appends: with the state role's settings (appendonly yes, appendfsync always),
// every append that was acknowledged survives a kill -9 of redis-server, in order.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <set>

#include "domain/session/session_store.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/scaled_client_options.h"

namespace ragcache::session {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

std::vector<Message> one(std::string id) {
  Message m;
  m.id = std::move(id);
  m.role = "user";
  m.content = "message " + m.id;
  std::vector<Message> out;
  out.push_back(std::move(m));
  return out;
}

// A window large enough that nothing is trimmed: every acknowledged message must be there.
AppendLimits unbounded() {
  AppendLimits l;
  l.max_messages = kHardMaxMessages;
  l.max_tokens = kHardMaxTokens;
  return l;
}

TEST(SessionCrash, AcknowledgedAppendsSurviveKill9InOrder) {
  testing::RedisServerOptions server_options;
  server_options.extra_args = {"--appendonly", "yes", "--appendfsync", "always"};
  testing::RedisServer server(server_options);
  asio::io_context io;
  redis::ClientOptions options;
  options.url = server.url();
  options.pool_size = 2;
  options.connection.command_timeout = 2s;
  options.connection.reconnect_max = 200ms;
  auto client = redis::Client::create(io.get_executor(), testing::with_scaled_timeouts(options));
  ASSERT_TRUE(client.has_value());
  SessionStore store(**client, {}, estimate_token_counter(), testing::key_prefix());

  constexpr int kWriters = 10, kPerWriter = 100, kKillAfter = 400;
  std::map<int, std::vector<std::string>> acked;      // per writer, in order
  std::map<int, std::string> unknown;                 // per writer: the append in flight at the kill
  int total_acked = 0;
  bool killed = false;
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    int done = 0;
    for (int w = 0; w < kWriters; ++w) {
      asio::co_spawn(io, [&, w]() -> asio::awaitable<void> {
        for (int i = 0; i < kPerWriter; ++i) {
          const auto id = "w" + std::to_string(w) + "-" + std::to_string(i);
          auto r = co_await store.append("crash", one(id), unbounded());
          if (!r) {
            unknown[w] = id;  // outcome unknown (or not sent): this writer stops here
            break;
          }
          acked[w].push_back(id);
          ++total_acked;
        }
        ++done;
      }, asio::detached);
    }
    while (!killed && done < kWriters) {
      if (total_acked >= kKillAfter) {
        server.kill();  // SIGKILL mid-way: appends are in flight
        killed = true;
      }
      co_await sleep_for(1ms);
    }
    while (done < kWriters) co_await sleep_for(5ms);
  }(), 60s);
  ASSERT_TRUE(killed) << "the writers finished before the kill";
  ASSERT_GE(total_acked, kKillAfter);
  ASSERT_LT(total_acked, kWriters * kPerWriter);

  server.start();  // same port and dir: redis-server loads the AOF
  SessionWindow window;
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    const auto give_up = std::chrono::steady_clock::now() + testing::scaled(10s);
    while (std::chrono::steady_clock::now() < give_up) {  // the client reconnects by itself
      auto w = co_await store.read("crash");
      if (w) {
        window = std::move(*w);
        co_return;
      }
      co_await sleep_for(50ms);
    }
    ADD_FAILURE() << "could not read the session after the restart";
  }(), 30s);

  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < window.messages.size(); ++i) {
    ASSERT_TRUE(position.emplace(window.messages[i].id, i).second) << "duplicate " << window.messages[i].id;
  }
  std::size_t lost = 0;
  for (const auto& [w, ids] : acked) {
    std::size_t last = 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      auto it = position.find(ids[k]);
      if (it == position.end()) {
        ++lost;
        continue;
      }
      if (k > 0) {
        EXPECT_GT(it->second, last) << ids[k] << " out of order";
      }
      last = it->second;
    }
  }
  EXPECT_EQ(lost, 0u) << "acknowledged appends lost after kill -9";
  // Nothing appears that was never sent: at most the acked ones plus one in-flight per writer.
  EXPECT_LE(window.messages.size(), static_cast<std::size_t>(total_acked) + unknown.size());

  // The appends whose outcome was unknown can be retried safely: each ends up there exactly once.
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    for (const auto& [w, id] : unknown) {
      auto r = co_await store.append("crash", one(id), unbounded());
      EXPECT_TRUE(r) << r.error().message();
    }
    auto w = co_await store.read("crash");
    EXPECT_TRUE(w);
    std::set<std::string> seen;
    for (const auto& m : w->messages) EXPECT_TRUE(seen.insert(m.id).second) << "duplicate " << m.id;
    for (const auto& [writer, id] : unknown) EXPECT_EQ(seen.count(id), 1u) << id;
    EXPECT_EQ(w->messages.size(), static_cast<std::size_t>(total_acked) + unknown.size());
  }(), 30s);
}

}  // namespace
}  // namespace ragcache::session
