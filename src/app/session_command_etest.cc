// End-to-end tests of `ragcache session show|list|delete`: the real executable run as a child
// process against a real redis-server, on sessions written by the library (SessionStore), as a
// RAG backend or the gateway writes them. What is checked is what an operator sees: stdout,
// stderr and the exit status (0 = done, 1 = no such session or an error, CLI11's codes for bad
// flags), and that `delete` really removes the session's keys and its entry in the user's index.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "domain/session/keys.h"
#include "domain/session/session_store.h"
#include "redis/client.h"
#include "support/async_test.h"
#include "support/process.h"
#include "support/ragcache_process.h"
#include "support/redis_server.h"

namespace ragcache {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using testing::RedisServer;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `ragcache <args>` under a hard timeout (a hung CLI fails the test instead of stalling it).
CliRun ragcache_cli(const std::string& args) {
  const std::string err_file = ::testing::TempDir() + "/session-cli-" + std::to_string(::getpid()) + ".err";
  const std::string cmd = "timeout 20 " + testing::ragcache_binary() + " " + args + " 2>" + err_file + "; echo \"\n#exit=$?\"";
  std::string out = testing::run_command(cmd);
  CliRun r;
  r.err = testing::read_file(err_file);
  const auto marker = out.rfind("\n#exit=");
  if (marker == std::string::npos) return r;
  r.exit_code = std::stoi(out.substr(marker + 7));
  r.out = out.substr(0, marker);
  if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();  // the echo's own leading newline
  return r;
}

session::Message message(const char* role, std::string content, std::string id = {}) {
  session::Message m;
  m.role = role;
  m.content = std::move(content);
  m.id = std::move(id);
  return m;
}

class SessionCommandE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { redis_ = new RedisServer(); }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }

  void SetUp() override {
    redis::ClientOptions options;
    options.url = redis_->url();
    options.pool_size = 1;
    auto client = redis::Client::create(io_.get_executor(), options);
    ASSERT_TRUE(client) << client.error().message();
    client_ = std::move(*client);
    store_ = std::make_unique<session::SessionStore>(*client_);
  }

  // Appends messages to sid for user uid through the library and fails the test on an error.
  void append(const std::string& sid, std::vector<session::Message> messages, const std::string& uid) {
    auto r = testing::run_async(io_, store_->append(sid, std::move(messages), {}, uid), std::chrono::seconds(10));
    ASSERT_TRUE(r) << r.error().message();
  }

  std::string cli_redis() const { return " --redis " + redis_->url(); }

  static RedisServer* redis_;
  asio::io_context io_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<session::SessionStore> store_;
};

RedisServer* SessionCommandE2E::redis_ = nullptr;

TEST_F(SessionCommandE2E, ShowPrintsTheWindowAndItsContext) {
  append("e2e-show", {message("user", "What is the refund window?", "q1"), message("assistant", "Thirty days.", "a1")},
         "e2e-user-show");
  auto ctx = testing::run_async(io_, store_->set_resolved_context("e2e-show", "refund policy of the EU shop"),
                                std::chrono::seconds(10));
  ASSERT_TRUE(ctx) << ctx.error().message();

  auto r = ragcache_cli("session show e2e-show" + cli_redis());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("What is the refund window?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Thirty days."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("refund policy of the EU shop"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("e2e-user-show"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("messages     2 ("), std::string::npos) << r.out;
  // Oldest first, as the window holds them.
  EXPECT_LT(r.out.find("What is the refund window?"), r.out.find("Thirty days.")) << r.out;

  auto j = ragcache_cli("session show e2e-show --json" + cli_redis());
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  json::value parsed;
  ASSERT_NO_THROW(parsed = json::parse(j.out)) << j.out;
  const auto& messages = parsed.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u) << j.out;
  EXPECT_EQ(messages[0].at("content"), "What is the refund window?");
  EXPECT_EQ(messages[1].at("role"), "assistant");
  EXPECT_EQ(parsed.at("resolved_context"), "refund policy of the EU shop");
  EXPECT_GT(parsed.at("token_total").to_number<std::int64_t>(), 0);
}

TEST_F(SessionCommandE2E, ListShowsAUsersSessionsMostRecentFirst) {
  append("e2e-list-old", {message("user", "first conversation")}, "e2e-user-list");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // distinct last-activity times
  append("e2e-list-new", {message("user", "second conversation")}, "e2e-user-list");
  append("e2e-list-other", {message("user", "someone else")}, "e2e-user-other");

  auto r = ragcache_cli("session list e2e-user-list" + cli_redis());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto newer = r.out.find("e2e-list-new\t");
  const auto older = r.out.find("e2e-list-old\t");
  ASSERT_NE(newer, std::string::npos) << r.out;
  ASSERT_NE(older, std::string::npos) << r.out;
  EXPECT_LT(newer, older) << r.out;
  EXPECT_EQ(r.out.find("e2e-list-other"), std::string::npos) << r.out;

  auto limited = ragcache_cli("session list e2e-user-list --limit 1" + cli_redis());
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_NE(limited.out.find("e2e-list-new"), std::string::npos) << limited.out;
  EXPECT_EQ(limited.out.find("e2e-list-old"), std::string::npos) << limited.out;

  // A user without sessions: an empty list, not an error.
  auto none = ragcache_cli("session list e2e-nobody" + cli_redis());
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "");
}

TEST_F(SessionCommandE2E, DeleteRemovesTheSessionAndItsIndexEntry) {
  append("e2e-delete", {message("user", "forget me")}, "e2e-user-delete");
  append("e2e-keep", {message("user", "keep me")}, "e2e-user-delete");
  const std::string log_key = session::session_log_key("", "e2e-delete");
  const std::string meta_key = session::session_meta_key("", "e2e-delete");
  ASSERT_EQ(redis_->command({"EXISTS", log_key, meta_key}), "2");

  auto r = ragcache_cli("session delete e2e-delete" + cli_redis());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("deleted e2e-delete"), std::string::npos) << r.out;
  EXPECT_EQ(redis_->command({"EXISTS", log_key, meta_key}), "0");

  auto show = ragcache_cli("session show e2e-delete" + cli_redis());
  EXPECT_EQ(show.exit_code, 1);
  auto list = ragcache_cli("session list e2e-user-delete" + cli_redis());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find("e2e-delete"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("e2e-keep"), std::string::npos) << list.out;
  // The other session is untouched.
  EXPECT_EQ(ragcache_cli("session show e2e-keep" + cli_redis()).exit_code, 0);
}

TEST_F(SessionCommandE2E, UnknownSessionIsAClearErrorWithExitOne) {
  auto show = ragcache_cli("session show e2e-never-was" + cli_redis());
  EXPECT_EQ(show.exit_code, 1);
  EXPECT_EQ(show.out, "");
  EXPECT_NE(show.err.find("session e2e-never-was not found"), std::string::npos) << show.err;

  auto json_show = ragcache_cli("session show e2e-never-was --json" + cli_redis());
  EXPECT_EQ(json_show.exit_code, 1);
  EXPECT_EQ(json_show.out, "");
  EXPECT_NE(json_show.err.find("not found"), std::string::npos) << json_show.err;

  auto del = ragcache_cli("session delete e2e-never-was" + cli_redis());
  EXPECT_EQ(del.exit_code, 1);
  EXPECT_NE(del.err.find("session e2e-never-was not found"), std::string::npos) << del.err;
}

TEST_F(SessionCommandE2E, BadInputExitsNonZeroWithAMessage) {
  struct Case {
    std::string args;
    std::string says;  // part of the message on stderr
  };
  const std::vector<Case> cases = {
      {"session show", "session_id is required"},
      {"session list e2e-user --limit 0", "--limit"},
      {"session list e2e-user --limit many", "--limit"},
      {"session frobnicate x", "subcommand"},
      {"session", "subcommand"},
      {"session show e2e-x --no-such-flag", "--no-such-flag"},
      // An id the store refuses (spaces are not allowed in ids): refused before any Redis call.
      {"session show 'has space'", "session id"},
      {"session list 'has space'", "user id"},
      {"session delete ''", "session id"},
      {"session show e2e-x --redis not-a-url", "URL"},
  };
  for (const auto& c : cases) {
    auto r = ragcache_cli(c.args + (c.args.find("--redis") == std::string::npos ? cli_redis() : std::string()));
    EXPECT_NE(r.exit_code, 0) << c.args << "\n" << r.out << r.err;
    EXPECT_NE(r.exit_code, 124) << c.args << ": timed out";
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << " -> stderr: " << r.err;
  }
}

TEST_F(SessionCommandE2E, UnreachableRedisFailsFastWithAMessage) {
  // A port nobody listens on (the server's own port + a stopped-server trick would race).
  auto r = ragcache_cli("session show e2e-x --redis redis://127.0.0.1:1");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
}  // namespace ragcache
