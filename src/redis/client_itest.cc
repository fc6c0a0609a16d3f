// Integration tests of the Redis client against a real redis-server.
#include "redis/client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "redis/errors.h"
#include "support/async_test.h"
#include "support/redis_server.h"
#include "support/scaled_client_options.h"

namespace ragcache::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RedisServer;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->running()) server_->start();
    prefix_ = testing::key_prefix();
  }

  std::unique_ptr<Client> make_client(ClientOptions options = {}) {
    if (options.url == ClientOptions{}.url) options.url = server_->url();
    auto client = Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  std::string key(const std::string& name) const { return prefix_ + name; }

  // Before a burst of callers: connected first, so the handshake is not queued behind thousands
  // of coroutine starts on this one thread (its connect timeout would run out meanwhile, and the
  // test would measure the connect instead of what it is about).
  void wait_connected(Client& client) {
    const bool connected = testing::run_until(io_, [&] { return client.connected(); }, 10s);
    ASSERT_TRUE(connected) << "no connection to " << server_->url();
  }

  static RedisServer* server_;
  asio::io_context io_;
  std::string prefix_;
};
RedisServer* ClientTest::server_ = nullptr;

TEST_F(ClientTest, SetGetBinarySafeUpTo8MiB) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{65536}, std::size_t{8} << 20}) {
      std::string value(size, '\0');
      for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>((i * 131 + 7) % 256);  // NULs included
      auto set = co_await client->exec(Command("SET", key("bin"), value), 10s);
      EXPECT_TRUE(set.has_value()) << set.error().message();
      auto got = co_await client->exec(Command("GET", key("bin")), 10s);
      EXPECT_TRUE(got.has_value());
      EXPECT_EQ(got->kind, Reply::Kind::bulk);
      EXPECT_EQ(got->str.size(), size);
      EXPECT_TRUE(got->str == value) << "value of " << size << " bytes differs";
    }
    auto missing = co_await client->exec(Command("GET", key("missing")));
    EXPECT_TRUE(missing->is_nil());
  }());
}

TEST_F(ClientTest, NestedArraysAndAllReplyTypes) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    Script nested("nested", "return {1, {2, {'three', {}}}, 'x', redis.status_reply('FINE')}");
    auto r = co_await client->eval(nested, {}, {});
    EXPECT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->debug_string(), "[(integer) 1, [(integer) 2, [\"three\", []]], \"x\", FINE]");
    auto incr = co_await client->exec(Command("INCRBY", key("n"), 5));
    EXPECT_EQ(incr->kind, Reply::Kind::integer);
    EXPECT_EQ(incr->integer, 5);
  }());
}

TEST_F(ClientTest, ErrorRepliesAreErrors) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    co_await client->exec(Command("SET", key("s"), "v"));
    auto wrong = co_await client->exec(Command("LPUSH", key("s"), "x"));
    EXPECT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, Errc::server_error);
    EXPECT_TRUE(wrong.error().detail.starts_with("WRONGTYPE")) << wrong.error().detail;
    auto unknown = co_await client->exec(Command("NOSUCHCOMMAND"));
    EXPECT_EQ(unknown.error().code, Errc::server_error);
    // In a pipeline the error stays in its slot and the neighbours still succeed.
    std::vector<Command> cmds;
    cmds.emplace_back("SET", key("p"), "1");
    cmds.emplace_back("LPUSH", key("s"), "x");
    cmds.emplace_back("GET", key("p"));
    auto replies = co_await client->exec_pipeline(std::move(cmds));
    EXPECT_TRUE(replies.has_value());
    EXPECT_EQ((*replies)[0].str, "OK");
    EXPECT_TRUE((*replies)[1].is_error());
    EXPECT_EQ((*replies)[2].str, "1");
  }());
}

TEST_F(ClientTest, TenThousandConcurrentCommandsOnOneConnectionMatchTheirCallers) {
  auto client = make_client({.pool_size = 1});
  wait_connected(*client);
  constexpr int kN = 10000;
  int matched = 0, done = 0;
  for (int i = 0; i < kN; ++i) {
    asio::co_spawn(io_, [&, i]() -> asio::awaitable<void> {
      // Each caller sets its own key and reads it back; values are unique per caller.
      auto value = "v" + std::to_string(i) + std::string(i % 50, 'x');
      auto set = co_await client->exec(Command("SET", key(std::to_string(i)), value), testing::scaled(20s));
      auto got = co_await client->exec(Command("GET", key(std::to_string(i))), testing::scaled(20s));
      if (set && got && got->str == value) ++matched;
      ++done;
    }, asio::detached);
  }
  ASSERT_TRUE(testing::run_until(io_, [&] { return done == kN; }, 60s));
  EXPECT_EQ(matched, kN);
}

// A command bigger than the socket's send buffer is handed over in part at once and finished by
// the writer, while other callers' commands queue behind it: every byte must go out once, in
// order, and every reply must reach its own caller.
TEST_F(ClientTest, CommandsLargerThanTheSendBufferInterleaveWithSmallOnes) {
  auto client = make_client({.pool_size = 1});
  wait_connected(*client);
  constexpr int kLarge = 6, kSmall = 200;
  int matched = 0, done = 0;
  for (int i = 0; i < kLarge + kSmall; ++i) {
    asio::co_spawn(io_, [&, i]() -> asio::awaitable<void> {
      auto value = std::string(i < kLarge ? (std::size_t{3} << 20) + i : std::size_t(i), static_cast<char>('a' + i % 26));
      const auto name = key("mix" + std::to_string(i));
      auto set = co_await client->exec(Command("SET", name, value), testing::scaled(20s));
      auto got = co_await client->exec(Command("GET", name), testing::scaled(20s));
      if (set && got && got->str == value) ++matched;
      ++done;
    }, asio::detached);
  }
  ASSERT_TRUE(testing::run_until(io_, [&] { return done == kLarge + kSmall; }, 60s));
  EXPECT_EQ(matched, kLarge + kSmall);
}

TEST_F(ClientTest, PipelineRepliesInOrder) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<Command> cmds;
    for (int i = 0; i < 100; ++i) cmds.emplace_back("RPUSH", key("list"), i);
    auto replies = co_await client->exec_pipeline(std::move(cmds));
    EXPECT_TRUE(replies.has_value());
    for (int i = 0; i < 100; ++i) EXPECT_EQ((*replies)[i].integer, i + 1);
  }());
}

TEST_F(ClientTest, RestartMidLoadFailsInFlightCleanlyAndRecovers) {
  auto client = make_client({.pool_size = 2, .connection = {.command_timeout = 2s, .reconnect_max = 200ms}});
  std::atomic<bool> stop{false};
  int ok = 0, failed_cleanly = 0, other = 0, finished = 0;
  constexpr int kWorkers = 20;
  for (int w = 0; w < kWorkers; ++w) {
    asio::co_spawn(io_, [&, w]() -> asio::awaitable<void> {
      for (int i = 0; !stop; ++i) {
        auto r = co_await client->exec(Command("INCR", key("ctr")));
        if (r) {
          ++ok;
        } else if (r.error().code == Errc::connection_lost || r.error().code == Errc::not_connected ||
                   r.error().code == Errc::timeout) {
          ++failed_cleanly;
          co_await sleep_for(5ms);
        } else {
          ++other;
        }
      }
      ++finished;
    }, asio::detached);
  }
  testing::run_until(io_, [&] { return ok > 2000; }, 20s);
  server_->restart();
  const int ok_before = ok;
  // Later calls succeed once the server is back.
  ASSERT_TRUE(testing::run_until(io_, [&] { return ok > ok_before + 2000; }, 20s)) << "no recovery after restart";
  stop = true;
  ASSERT_TRUE(testing::run_until(io_, [&] { return finished == kWorkers; }, 10s)) << "a caller hung";
  EXPECT_GT(failed_cleanly, 0);
  EXPECT_EQ(other, 0);
}

TEST_F(ClientTest, StoppedServerTimesOutWithinCommandTimeout) {
  auto client = make_client({.connection = {.command_timeout = 300ms}});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto warm = co_await client->exec(Command("PING"));
    EXPECT_TRUE(warm.has_value());
    server_->pause();
    auto start = std::chrono::steady_clock::now();
    auto r = co_await client->exec(Command("PING"));
    auto elapsed = std::chrono::steady_clock::now() - start;
    server_->resume();
    EXPECT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::timeout);
    // The watchdog ticks at timeout/4: allow that plus scheduling slack, never "hangs". (The
    // client's timeout and the slack are both scaled to the machine.)
    EXPECT_LT(elapsed, client->options().connection.command_timeout + testing::scaled(1s));
    // After SIGCONT the client reconnects and works again.
    Result<Reply> again = Error(Errc::not_connected);
    const auto give_up = std::chrono::steady_clock::now() + testing::scaled(5s);
    while (!again && std::chrono::steady_clock::now() < give_up) {
      again = co_await client->exec(Command("PING"));
      if (!again) co_await sleep_for(50ms);
    }
    EXPECT_TRUE(again.has_value());
  }(), 30s);
}

TEST_F(ClientTest, QueueOverflowFailsAtOnce) {
  auto client = make_client({.pool_size = 1, .connection = {.command_timeout = 5s, .max_pending = 100}});
  testing::run_async(io_, [&]() -> asio::awaitable<void> { co_await client->exec(Command("PING")); }());
  server_->pause();  // nothing completes: the queue fills up
  int overflow = 0, done = 0;
  for (int i = 0; i < 150; ++i) {
    asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
      auto r = co_await client->exec(Command("PING"));
      if (!r && r.error().code == Errc::queue_full) ++overflow;
      ++done;
    }, asio::detached);
  }
  testing::run_until(io_, [&] { return overflow == 50; }, 5s);
  EXPECT_EQ(overflow, 50);
  server_->resume();
  ASSERT_TRUE(testing::run_until(io_, [&] { return done == 150; }, 20s));
}

TEST_F(ClientTest, NoscriptAfterScriptFlushIsHandled) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    Script script("echo_key", "return redis.call('SET', KEYS[1], ARGV[1])");
    // (Named vectors: GCC 12 miscompiles braced string lists inside co_await expressions.)
    std::vector<std::string> keys{key("s")}, one{"one"}, two{"two"}, three{"three"};
    auto first = co_await client->eval(script, keys, one);
    EXPECT_TRUE(first.has_value()) << first.error().message();
    server_->command({"SCRIPT", "FLUSH"});
    auto second = co_await client->eval(script, keys, two);
    EXPECT_TRUE(second.has_value()) << second.error().message();
    EXPECT_EQ(server_->command({"GET", key("s")}), "two");
    // And it is cached again: EVALSHA works directly.
    auto direct = co_await client->exec(evalsha_command(script, keys, three));
    EXPECT_TRUE(direct.has_value());
  }());
}

TEST_F(ClientTest, UnixSocketAndDatabaseSelection) {
  auto client = make_client({.url = server_->unix_url() + "?db=5"});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto set = co_await client->exec(Command("SET", key("db"), "five"));
    EXPECT_TRUE(set.has_value()) << set.error().message();
  }());
  EXPECT_EQ(server_->command({"GET", key("db")}), "(nil)");  // not in db 0
  auto name = server_->command({"CLIENT", "LIST"});
  EXPECT_NE(name.find("name=ragcache"), std::string::npos);
}

TEST_F(ClientTest, DedicatedConnectionForBlockingCommands) {
  auto client = make_client();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto blocking = client->dedicated();
    bool popped = false;
    asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
      auto r = co_await (*blocking)->exec(Command("BLPOP", key("q"), 5), testing::scaled(7s));
      popped = r && r->is_array() && r->elements[1].str == "job";
    }, asio::detached);
    co_await sleep_for(100ms);
    // The pool is not blocked by the BLPOP in progress.
    auto ping = co_await client->exec(Command("PING"));
    EXPECT_TRUE(ping.has_value());
    co_await client->exec(Command("RPUSH", key("q"), "job"));
    const bool popped_in_time = co_await testing::eventually([&] { return popped; }, 1s);
    EXPECT_TRUE(popped_in_time);
  }());
}

TEST_F(ClientTest, UnreachableServerFailsFastAfterFirstAttempt) {
  auto client = make_client({.url = "redis://127.0.0.1:1", .connection = {.connect_timeout = 500ms}});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto r = co_await client->exec(Command("PING"));
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().code == Errc::not_connected || r.error().code == Errc::timeout) << r.error().message();
    auto again = co_await client->exec(Command("PING"));
    EXPECT_EQ(again.error().code, Errc::not_connected);
  }());
}

TEST(ClientAuth, WrongPasswordGivesClearError) {
  RedisServer server({.requirepass = "right"});
  asio::io_context io;
  auto good_url = "redis://:right@127.0.0.1:" + std::to_string(server.port());
  auto bad_url = "redis://:wrong@127.0.0.1:" + std::to_string(server.port());
  auto good = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts({.url = good_url})));
  auto bad = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts({.url = bad_url})));
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto ok = co_await good->exec(Command("PING"));
    EXPECT_TRUE(ok.has_value()) << ok.error().message();
    auto refused = co_await bad->exec(Command("PING"));
    EXPECT_FALSE(refused.has_value());
    EXPECT_TRUE(refused.error().code == Errc::auth_failed || refused.error().code == Errc::not_connected)
        << refused.error().message();
    auto again = co_await bad->exec(Command("PING"));
    EXPECT_FALSE(again.has_value());
  }());
}

TEST(ClientAuth, AclUserAndPassword) {
  RedisServer server({.acl_user = "app", .acl_password = "s3cret"});
  asio::io_context io;
  ClientOptions options{.url = "redis://app:s3cret@127.0.0.1:" + std::to_string(server.port())};
  auto client = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts(options)));
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto who = co_await client->exec(Command("ACL", "WHOAMI"));
    EXPECT_TRUE(who.has_value()) << who.error().message();
    EXPECT_EQ(who->str, "app");
  }());
}

TEST(ClientTls, VerifiesServerWithTheHarnessCa) {
  RedisServer server({.tls = true});
  asio::io_context io;
  ClientOptions trusted{.url = server.tls_url()};
  trusted.connection.tls_ca_file = server.ca_cert();
  ClientOptions untrusted{.url = server.tls_url(), .connection = {.connect_timeout = 2s}};
  untrusted.connection.tls_ca_file = "/dev/null";
  auto good = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts(trusted)));
  auto bad = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts(untrusted)));
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    auto set = co_await good->exec(Command("SET", "tls-key", std::string(100000, 'z')));
    EXPECT_TRUE(set.has_value()) << set.error().message();
    auto get = co_await good->exec(Command("GET", "tls-key"));
    EXPECT_EQ(get->str.size(), 100000u);
    auto refused = co_await bad->exec(Command("PING"));
    EXPECT_FALSE(refused.has_value());
  }());
}

}  // namespace
}  // namespace ragcache::redis

namespace ragcache::redis {
namespace {

TEST(Subscriber, ReceivesMessagesAndResubscribesAfterRestart) {
  testing::RedisServer server;
  asio::io_context io;
  ClientOptions options{.url = server.url(), .connection = {.reconnect_max = std::chrono::milliseconds(100)}};
  auto client = std::move(*Client::create(io.get_executor(), testing::with_scaled_timeouts(options)));
  std::vector<std::string> got;
  int resubscribed = 0;
  auto sub = client->subscriber([&](const PubSubMessage& m) { got.push_back(m.channel + "=" + m.payload); },
                                [&] { ++resubscribed; });
  sub->subscribe("news");
  sub->psubscribe("ev:*");
  ASSERT_TRUE(testing::run_until(io, [&] { return sub->ready() && resubscribed == 1; }, std::chrono::seconds(5)));
  auto publish = [&](std::string ch, std::string msg) {
    testing::run_async(io, [&]() -> asio::awaitable<void> { co_await client->exec(Command("PUBLISH", ch, msg)); }());
  };
  publish("news", "a");
  publish("ev:1", "b");
  publish("other", "c");
  ASSERT_TRUE(testing::run_until(io, [&] { return got.size() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(got[0], "news=a");
  EXPECT_EQ(got[1], "ev:1=b");
  server.restart();
  ASSERT_TRUE(testing::run_until(io, [&] { return sub->ready() && resubscribed == 2; }, std::chrono::seconds(10)));
  ASSERT_TRUE(testing::run_until(io, [&] { return client->connected(); }, std::chrono::seconds(10)));
  publish("news", "after-restart");
  ASSERT_TRUE(testing::run_until(io, [&] { return got.size() == 3; }, std::chrono::seconds(5)));
  EXPECT_EQ(got[2], "news=after-restart");
  sub->close();
}

}  // namespace
}  // namespace ragcache::redis
