// The session store suite (session_store_suite.h) on one real redis-server.
#include "domain/session/session_store_suite.h"

namespace ragcache::session {
namespace {

// When Redis refuses the read transaction as a whole (in a cluster: the session's slot moving
// between nodes aborts it with MOVED/ASK), the read falls back to the read script and returns
// the same window. One server has no moving slots, so a user whom an ACL forbids MULTI stands in:
// its MULTI is refused, EXEC then has no transaction, and the script (allowed) must do the read.
TEST_P(SessionStoreTest, ReadFallsBackToTheScriptWhenTheTransactionIsRefused) {
  const std::string user = "session-no-multi";
  redis_->command({"ACL", "SETUSER", user, "reset", "on", ">pw", "~*", "&*", "+@all", "-multi"});
  std::string url = redis_->url();
  if (url.rfind("redis://", 0) == 0) {
    url.insert(8, user + ":pw@");
  } else {
    url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("user=") + user + "&password=pw";
  }
  redis::ClientOptions options;
  options.url = url;
  options.connection.command_timeout = 5s;
  auto restricted = redis::Client::create(io_.get_executor(), testing::with_scaled_timeouts(options));
  ASSERT_TRUE(restricted.has_value()) << url;
  SessionStore fallback_reader(**restricted, SessionOptions{}, estimate_token_counter(), prefix_);
  auto s = store();
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto appended = co_await s.append("fb", batch(counted("a", "user", 3), counted("b", "assistant", 4)), {}, "u");
    EXPECT_TRUE(appended) << appended.error().message();
    redis::Command multi("MULTI");
    auto refused = co_await (*restricted)->exec(std::move(multi));
    EXPECT_FALSE(refused);  // NOPERM: else this test would not reach the fallback
    if (!refused) {
      EXPECT_NE(refused.error().message().find("NOPERM"), std::string::npos) << refused.error().message();
    }
    auto expected = co_await s.read("fb");
    auto w = co_await fallback_reader.read("fb");
    EXPECT_TRUE(w) << w.error().message();
    if (!w || !expected) co_return;
    EXPECT_EQ(ids_of(*w), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(w->token_total, expected->token_total);
    EXPECT_EQ(w->token_total, 2 * kOverhead + 7);
    EXPECT_EQ(w->user_id, std::optional<std::string>("u"));
    EXPECT_EQ(w->version, expected->version);
    auto missing = co_await fallback_reader.read("no-such-session");
    EXPECT_TRUE(missing && !missing->exists());
  }());
}

INSTANTIATE_TEST_SUITE_P(, SessionStoreTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::session
