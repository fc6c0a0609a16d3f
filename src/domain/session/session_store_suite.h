// The session store test suite, written once for any Redis deployment: session_store_itest.cc runs
// it on one redis-server, session_store_ctest.cc on a 6-node Redis Cluster.
//
// Integration tests of SessionStore against real Redis: the window invariant, many
// concurrent appenders, idempotent retries, TTLs, limits, context fields, delete and the user index.
#pragma once

#include "domain/session/session_store.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <map>
#include <set>

#include "domain/session/errors.h"
#include "domain/session/keys.h"
#include "domain/session/window_rule.h"
#include "support/async_test.h"
#include "support/redis_deployment.h"
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

// A message whose window cost is known exactly: overhead + content_tokens.
Message counted(std::string id, std::string role, std::size_t content_tokens) {
  Message m;
  m.id = std::move(id);
  m.role = std::move(role);
  m.content = "content of " + m.id;
  m.content_tokens = content_tokens;
  return m;
}
constexpr std::size_t kOverhead = kTokensPerMessage + kTokensPerRole;

// Builds a batch outside braces: GCC 12 cannot keep an initializer list alive across co_await.
template <class... M>
std::vector<Message> batch(M... m) {
  std::vector<Message> out;
  (out.push_back(std::move(m)), ...);
  return out;
}

AppendLimits window(std::size_t messages, std::size_t tokens, std::optional<std::chrono::milliseconds> ttl = {}) {
  AppendLimits l;
  l.max_messages = messages;
  l.max_tokens = tokens;
  l.idle_ttl = ttl;
  return l;
}

// Runs body(0) .. body(n-1) as concurrent coroutines on io and waits for all of them.
void run_concurrently(asio::io_context& io, int n, const std::function<asio::awaitable<void>(int)>& body,
                      std::chrono::seconds deadline) {
  testing::run_async(io, [&]() -> asio::awaitable<void> {
    int done = 0;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(io, [&, i]() -> asio::awaitable<void> {
        co_await body(i);
        ++done;
      }, asio::detached);
    }
    while (done < n) co_await sleep_for(2ms);
  }(), deadline);
}

std::vector<std::string> ids_of(const SessionWindow& w) {
  std::vector<std::string> out;
  for (const auto& m : w.messages) out.push_back(m.id);
  return out;
}

class SessionStoreTest : public ::testing::TestWithParam<testing::Deployment> {
 protected:
  void SetUp() override {
    redis_ = &testing::shared_deployment(GetParam());
    prefix_ = testing::untagged_key_prefix();
    redis::ClientOptions options;
    options.url = redis_->url();
    options.pool_size = 4;
    options.connection.command_timeout = 5s;
    auto client = redis::Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
    ASSERT_TRUE(client.has_value());
    client_ = std::move(*client);
  }

  SessionStore store(SessionOptions options = {}) const { return SessionStore(*client_, options, estimate_token_counter(), prefix_); }
  std::string log_key(const std::string& sid) const { return session_log_key(prefix_, sid); }
  std::string meta_key(const std::string& sid) const { return session_meta_key(prefix_, sid); }
  std::string raw_state(const std::string& sid) const {
    return redis_->command({"LRANGE", log_key(sid), "0", "-1"}) + "|" + redis_->command({"HGETALL", meta_key(sid)});
  }

  testing::RedisDeployment* redis_ = nullptr;
  asio::io_context io_;
  std::string prefix_;
  std::unique_ptr<redis::Client> client_;
};

TEST_P(SessionStoreTest, WindowIsTheLongestSuffixThatFitsBothLimits) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    constexpr std::size_t kMaxMessages = 6, kMaxTokens = 300;
    std::vector<WindowEntry> all;  // every message appended, in order
    for (int i = 0; i < 60; ++i) {
      // Sizes that make either limit the binding one at different times, one giant included.
      const std::size_t content = i == 37 ? 1000 : static_cast<std::size_t>((i * 37) % 90 + 1);
      auto msgs = batch(counted("m" + std::to_string(i), i % 2 ? "assistant" : "user", content));
      if (i % 7 == 0) msgs.push_back(counted("m" + std::to_string(i) + "b", "assistant", 5));
      auto r = co_await s.append("win", msgs, window(kMaxMessages, kMaxTokens));
      EXPECT_TRUE(r) << r.error().message();
      if (!r) co_return;
      for (const auto& m : msgs) all.push_back({m.id, kOverhead + *m.content_tokens});

      // Expected: the longest suffix of everything appended within both limits (at least one).
      std::size_t start = all.size() - 1, total = all.back().tokens;
      while (start > 0 && all.size() - start < kMaxMessages && total + all[start - 1].tokens <= kMaxTokens) {
        --start;
        total += all[start].tokens;
      }
      EXPECT_EQ(r->count, all.size() - start) << "after append " << i;
      EXPECT_EQ(r->token_total, total) << "after append " << i;

      auto w = co_await s.read("win");
      EXPECT_TRUE(w);
      std::vector<std::string> expected;
      std::size_t sum = 0;
      for (std::size_t k = start; k < all.size(); ++k) expected.push_back(all[k].id);
      for (const auto& m : w->messages) sum += m.tokens;
      EXPECT_EQ(ids_of(*w), expected) << "after append " << i;
      EXPECT_EQ(w->token_total, sum);
      EXPECT_EQ(w->token_total, total);
    }
  }());
}

TEST_P(SessionStoreTest, DefaultsKeepTwentyLikeRpushLtrim) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    std::vector<std::string> expected;
    for (int i = 0; i < 27; ++i) {
      Message m;
      m.role = "user";
      m.content = "q" + std::to_string(i);
      m.id = "id" + std::to_string(i);
      auto r = co_await s.append("d", batch(m));
      EXPECT_TRUE(r);
      expected.push_back(m.id);
    }
    expected.erase(expected.begin(), expected.end() - 20);
    auto w = co_await s.read("d");
    EXPECT_EQ(ids_of(*w), expected);
    EXPECT_EQ(w->version, 27);
    EXPECT_EQ(redis_->command({"LLEN", log_key("d")}), "20");
    EXPECT_EQ(w->messages.back().content, "q26");
    EXPECT_GT(w->messages.back().time_ms, 0);
  }());
}

// 50 appenders, 40 messages each, on one session. Each append reports its version (the order Redis
// ran it in) and the ids it appended and trimmed; replaying those events in version order must
// rebuild the window exactly, never lose or duplicate an id, and satisfy the limits after every step.
TEST_P(SessionStoreTest, FiftyConcurrentAppendersLoseAndDuplicateNothing) {
  auto s = store();
  constexpr int kWriters = 50, kPerWriter = 40;
  constexpr std::size_t kMaxMessages = 20, kMaxTokens = 4000;
  struct Event {
    AppendResult result;
    WindowEntry entry;
  };
  std::vector<Event> events;
  int failures = 0;
  run_concurrently(io_, kWriters, [&](int w) -> asio::awaitable<void> {
    for (int i = 0; i < kPerWriter; ++i) {
      auto m = counted("w" + std::to_string(w) + "-" + std::to_string(i), "user",
                       static_cast<std::size_t>((w * 131 + i * 17) % 400 + 10));
      WindowEntry entry{m.id, kOverhead + *m.content_tokens};
      auto r = co_await s.append("busy", batch(m), window(kMaxMessages, kMaxTokens));
      if (!r) {
        ++failures;
        continue;
      }
      events.push_back({std::move(*r), entry});
    }
  }, 60s);
  ASSERT_EQ(failures, 0);
  ASSERT_EQ(events.size(), static_cast<std::size_t>(kWriters * kPerWriter));

  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.result.version < b.result.version; });
  WindowModel model;
  std::set<std::string> appended, trimmed;
  std::map<int, int> next_of_writer;  // each writer's messages enter the window in its own order
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    ASSERT_EQ(e.result.version, static_cast<std::int64_t>(i + 1)) << "versions are a gapless sequence";
    ASSERT_EQ(e.result.appended, std::vector<std::string>{e.entry.id});
    ASSERT_TRUE(e.result.duplicates.empty());
    ASSERT_TRUE(appended.insert(e.entry.id).second) << "appended twice: " << e.entry.id;
    const int writer = std::stoi(e.entry.id.substr(1));
    const int seq = std::stoi(e.entry.id.substr(e.entry.id.find('-') + 1));
    ASSERT_EQ(seq, next_of_writer[writer]++);
    std::vector<WindowEntry> one = {e.entry};
    const AppendOutcome outcome{e.result.appended, e.result.duplicates, e.result.trimmed};
    ASSERT_TRUE(model.apply(outcome, one)) << "trim at version " << e.result.version << " is not the window's front";
    for (const auto& id : e.result.trimmed) ASSERT_TRUE(trimmed.insert(id).second) << "trimmed twice: " << id;
    ASSERT_EQ(model.entries().size(), e.result.count);
    ASSERT_EQ(model.token_total(), e.result.token_total);
    ASSERT_GE(e.result.count, 1u);
    ASSERT_LE(e.result.count, kMaxMessages);
    ASSERT_TRUE(e.result.token_total <= kMaxTokens || e.result.count == 1);
  }
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto w = co_await s.read("busy");
    EXPECT_TRUE(w);
    std::vector<std::string> model_ids;
    for (const auto& e : model.entries()) model_ids.push_back(e.id);
    EXPECT_EQ(ids_of(*w), model_ids);
    EXPECT_EQ(w->token_total, model.token_total());
    EXPECT_EQ(trimmed.size() + w->messages.size(), static_cast<std::size_t>(kWriters * kPerWriter));
    for (const auto& id : model_ids) EXPECT_EQ(trimmed.count(id), 0u);
  }());
}

TEST_P(SessionStoreTest, RetryWithTheSameIdsIsANoOp) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto turn = batch(counted("u1", "user", 5), counted("a1", "assistant", 7));
    auto first = co_await s.append("r", turn);
    EXPECT_EQ(first->appended, (std::vector<std::string>{"u1", "a1"}));
    const auto before = raw_state("r");
    auto retry = co_await s.append("r", turn);
    EXPECT_TRUE(retry);
    EXPECT_TRUE(retry->appended.empty());
    EXPECT_EQ(retry->duplicates, (std::vector<std::string>{"u1", "a1"}));
    EXPECT_EQ(retry->count, 2u);
    auto w = co_await s.read("r");
    EXPECT_EQ(ids_of(*w), (std::vector<std::string>{"u1", "a1"}));
    EXPECT_EQ(redis_->command({"LRANGE", log_key("r"), "0", "-1"}), before.substr(0, before.find('|')));
    // A batch half old, half new appends only the new half.
    auto mixed = co_await s.append("r", batch(counted("a1", "assistant", 7), counted("u2", "user", 3)));
    EXPECT_EQ(mixed->appended, std::vector<std::string>{"u2"});
    EXPECT_EQ(mixed->duplicates, std::vector<std::string>{"a1"});
    w = co_await s.read("r");
    EXPECT_EQ(ids_of(*w), (std::vector<std::string>{"u1", "a1", "u2"}));
    // The id index is rebuilt from the messages if the meta drifts from the list, so dedup holds.
    redis_->command({"HDEL", meta_key("r"), "count", "m:u1", "m:u2"});
    auto again = co_await s.append("r", batch(counted("u2", "user", 3)));
    EXPECT_EQ(again->duplicates, std::vector<std::string>{"u2"});
    EXPECT_EQ(again->count, 3u);
    EXPECT_EQ(again->token_total, 3 * kOverhead + 5 + 7 + 3);
  }());
}

TEST_P(SessionStoreTest, ActivityRefreshesTheIdleTtlAndIdleSessionsExpire) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto pttl = [&](const std::string& key) { return std::stoll(redis_->command({"PTTL", key})); };
    co_await s.append("t", batch(counted("a", "user", 1)), window(20, 4000, 100s));
    EXPECT_GT(pttl(log_key("t")), 0);
    EXPECT_LE(pttl(log_key("t")), 100'000);
    EXPECT_LE(pttl(meta_key("t")), 100'000);
    co_await s.append("t", batch(counted("b", "user", 1)), window(20, 4000, 200s));
    EXPECT_GT(pttl(log_key("t")), 100'000);
    EXPECT_GT(pttl(meta_key("t")), 100'000);
    // A context update is activity too, with the TTL of the session's last append.
    redis_->command({"PEXPIRE", log_key("t"), "5000"});
    redis_->command({"PEXPIRE", meta_key("t"), "5000"});
    EXPECT_TRUE(co_await s.set_resolved_context("t", "ctx"));
    EXPECT_GT(pttl(log_key("t")), 100'000);
    EXPECT_GT(pttl(meta_key("t")), 100'000);

    // Idle past the TTL: both keys gone, the session reads as absent.
    co_await s.append("gone", batch(counted("a", "user", 1)), window(20, 4000, 200ms));
    auto w = co_await s.read("gone");
    EXPECT_TRUE(w->exists());
    co_await sleep_for(400ms);
    w = co_await s.read("gone");
    EXPECT_TRUE(w);
    EXPECT_FALSE(w->exists());
    EXPECT_TRUE(w->messages.empty());
    EXPECT_EQ(redis_->command({"EXISTS", log_key("gone"), meta_key("gone")}), "0");
  }());
}

TEST_P(SessionStoreTest, BadInputIsRefusedAndNothingIsWritten) {
  SessionOptions options;
  options.max_message_bytes = 1000;
  options.max_messages_per_call = 3;
  auto s = store(options);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    co_await s.append("o", batch(counted("a", "user", 1), counted("b", "assistant", 1)));
    const auto before = raw_state("o");
    const auto ttl_before = redis_->command({"PTTL", meta_key("o")});

    auto big = counted("c", "user", 1);
    big.content = std::string(2000, 'x');
    auto r = co_await s.append("o", batch(counted("ok", "user", 1), big));
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(Errc::message_too_large));
    EXPECT_NE(r.error().detail.find("messages[1]"), std::string::npos);

    auto bad_role = counted("d", "robot", 1);
    r = co_await s.append("o", batch(bad_role));
    EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_message));
    r = co_await s.append("o", std::vector<Message>(4, counted("", "user", 1)));
    EXPECT_EQ(r.error().code, make_error_code(Errc::too_many_messages));
    r = co_await s.append("o", batch(counted("e", "user", 1)), window(0, 10));
    EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_limits));
    r = co_await s.append("o{x}", batch(counted("e", "user", 1)));
    EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_session_id));
    EXPECT_FALSE(co_await s.set_resolved_context("o", std::string(70'000, 'c')));

    EXPECT_EQ(raw_state("o"), before);
    EXPECT_LE(std::stoll(redis_->command({"PTTL", meta_key("o")})), std::stoll(ttl_before));
  }());
}

TEST_P(SessionStoreTest, ResolvedContextAndSummary) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await s.set_resolved_context("c", "The user, Ann, asks about her 2019 Golf."));
    co_await s.append("c", batch(counted("q", "user", 4)), {}, "ann");
    EXPECT_TRUE(co_await s.set_summary("c", "Car questions."));
    auto w = co_await s.read("c");
    EXPECT_TRUE(w);
    EXPECT_EQ(w->resolved_context, "The user, Ann, asks about her 2019 Golf.");
    EXPECT_EQ(w->summary, "Car questions.");
    EXPECT_EQ(w->user_id, "ann");
    EXPECT_EQ(w->messages.size(), 1u);
    EXPECT_GT(w->created_ms, 0);
    EXPECT_GE(w->updated_ms, w->created_ms);
    auto json = w->to_json();
    EXPECT_EQ(json.at("resolved_context"), "The user, Ann, asks about her 2019 Golf.");
    EXPECT_EQ(json.at("token_total").as_uint64(), kOverhead + 4);
    EXPECT_TRUE(co_await s.set_resolved_context("c", "updated"));
    w = co_await s.read("c");
    EXPECT_EQ(w->resolved_context, "updated");
    EXPECT_EQ(w->messages.size(), 1u);
  }());
}

TEST_P(SessionStoreTest, DeleteAndListAUsersSessions) {
  SessionOptions options;
  options.max_sessions_per_user = 3;
  auto s = store(options);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    for (const char* sid : {"s1", "s2", "s3", "s4"}) {
      auto r = co_await s.append(sid, batch(counted(std::string("m-") + sid, "user", 1)), {}, "u1");
      EXPECT_TRUE(r) << r.error().message();
      co_await sleep_for(3ms);  // distinct activity times, so the order is defined
    }
    co_await s.append("other", batch(counted("x", "user", 1)), {}, "u2");
    auto list = co_await s.list_user_sessions("u1");
    EXPECT_TRUE(list);
    std::vector<std::string> sids;
    for (const auto& e : *list) sids.push_back(e.session_id);
    EXPECT_EQ(sids, (std::vector<std::string>{"s4", "s3", "s2"}));  // most recent first, trimmed to 3
    EXPECT_GE((*list)[0].last_activity_ms, (*list)[1].last_activity_ms);

    auto removed = co_await s.remove("s3");
    EXPECT_TRUE(removed && *removed);
    EXPECT_EQ(redis_->command({"EXISTS", log_key("s3"), meta_key("s3")}), "0");
    EXPECT_FALSE((co_await s.read("s3"))->exists());
    list = co_await s.list_user_sessions("u1", 10);
    EXPECT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].session_id, "s4");
    EXPECT_EQ((*list)[1].session_id, "s2");
    removed = co_await s.remove("s3");
    EXPECT_TRUE(removed && !*removed);
    EXPECT_EQ((co_await s.list_user_sessions("u2"))->size(), 1u);
    EXPECT_GT(std::stoll(redis_->command({"PTTL", user_sessions_key(prefix_, "u1")})), 0);
  }());
}

TEST_P(SessionStoreTest, ConcurrentAppendsToManySessionsAreEachAtomicAndABadOneFailsAlone) {
  // On one server these go as one grouped script call; on a cluster one by one. Either way each
  // session gets exactly its own messages, and the session whose key holds a string (WRONGTYPE)
  // fails without failing the others.
  SessionOptions grouped;
  grouped.group_commit_max_batch = 64;  // off by default (options.h)
  auto s = store(grouped);
  constexpr int kSessions = 40;
  redis_->command({"SET", log_key("g-bad"), "not a list"});
  redis_->command({"CONFIG", "RESETSTAT"});
  std::vector<Result<AppendResult>> results(kSessions, Error(Errc::no_messages));
  std::optional<Result<AppendResult>> bad;
  run_concurrently(io_, kSessions + 1, [&](int i) -> asio::awaitable<void> {
    if (i == kSessions) {
      bad = co_await s.append("g-bad", batch(counted("x", "user", 1)));
    } else {
      const auto id = std::to_string(i);
      results[i] = co_await s.append("g" + id, batch(counted(id + "-a", "user", 5), counted(id + "-b", "assistant", 7)));
    }
  }, 30s);
  ASSERT_TRUE(bad.has_value());
  ASSERT_FALSE(*bad);
  EXPECT_NE(bad->error().message().find("WRONGTYPE"), std::string::npos) << bad->error().message();
  for (int i = 0; i < kSessions; ++i) {
    const auto id = std::to_string(i);
    ASSERT_TRUE(results[i]) << results[i].error().message();
    EXPECT_EQ(results[i]->appended, (std::vector<std::string>{id + "-a", id + "-b"}));
    EXPECT_EQ(results[i]->version, 1);
    EXPECT_EQ(results[i]->token_total, 2 * kOverhead + 12);
    EXPECT_EQ(redis_->command({"LLEN", log_key("g" + id)}), "2");
    EXPECT_GT(std::stoll(redis_->command({"PTTL", meta_key("g" + id)})), 0);
  }
  if (GetParam() == testing::Deployment::server) {
    // Grouped: far fewer script calls than appends.
    const auto stats = redis_->command({"INFO", "commandstats"});
    const auto at = stats.find("cmdstat_evalsha:calls=");
    ASSERT_NE(at, std::string::npos) << stats;
    EXPECT_LT(std::stoi(stats.substr(at + 22)), kSessions / 2) << stats;
  }
}

TEST_P(SessionStoreTest, AppendAndReadReturnsExactlyTheStateItsAppendLeft) {
  auto s = store();
  constexpr int kCallers = 20, kPerCaller = 5;
  int failures = 0;
  run_concurrently(io_, kCallers, [&](int c) -> asio::awaitable<void> {
    for (int i = 0; i < kPerCaller; ++i) {
      const auto id = "c" + std::to_string(c) + "-" + std::to_string(i);
      auto r = co_await s.append_and_read("turns", batch(counted(id, "user", 3)), window(8, 4000));
      // The window is the one this append produced, whatever the other callers did after.
      if (!r || r->window.version != r->append.version || r->window.messages.size() != r->append.count ||
          r->window.token_total != r->append.token_total || r->window.messages.back().id != id) {
        ++failures;
      }
    }
  }, 30s);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto last = co_await s.append_and_read("turns", batch(counted("last", "assistant", 3)));
    EXPECT_TRUE(last) << last.error().message();
    auto w = co_await s.read("turns");
    EXPECT_EQ(ids_of(last->window), ids_of(*w));
    EXPECT_EQ(last->window.version, kCallers * kPerCaller + 1);
    // A duplicate id through append_and_read: nothing appended, the window still comes back.
    auto again = co_await s.append_and_read("turns", batch(counted("last", "assistant", 3)));
    EXPECT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->append.duplicates, std::vector<std::string>{"last"});
    EXPECT_EQ(ids_of(again->window), ids_of(*w));
    // Bad input: refused before any Redis call, as append's.
    auto refused = co_await s.append_and_read("bad id", batch(counted("y", "user", 1)));
    EXPECT_FALSE(refused);
  }(), 30s);
  EXPECT_EQ(failures, 0);
}

TEST_P(SessionStoreTest, WorksAfterTheServerForgetsItsScripts) {
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    co_await s.append("n", batch(counted("a", "user", 1)), {}, "u");
    redis_->command_on_every_primary({"SCRIPT", "FLUSH"});
    auto r = co_await s.append("n", batch(counted("b", "user", 1)), {}, "u");  // the pipelined path
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->appended, std::vector<std::string>{"b"});
    redis_->command_on_every_primary({"SCRIPT", "FLUSH"});
    r = co_await s.append("n", batch(counted("c", "user", 1)));  // the plain EVALSHA path
    EXPECT_TRUE(r) << r.error().message();
    redis_->command_on_every_primary({"SCRIPT", "FLUSH"});
    auto aw = co_await s.append_and_read("n", batch(counted("d", "user", 1)));  // the transaction path
    EXPECT_TRUE(aw) << aw.error().message();
    EXPECT_EQ(ids_of(aw->window), (std::vector<std::string>{"a", "b", "c", "d"}));
    redis_->command_on_every_primary({"SCRIPT", "FLUSH"});
    auto w = co_await s.read("n");
    EXPECT_EQ(ids_of(*w), (std::vector<std::string>{"a", "b", "c", "d"}));
  }());
}

}  // namespace
}  // namespace ragcache::session
