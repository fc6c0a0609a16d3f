#include "redis/retry_policy.h"

#include <gtest/gtest.h>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

using std::chrono::milliseconds;

Reply error_reply(std::string text) {
  Reply r;
  r.kind = Reply::Kind::error;
  r.str = std::move(text);
  return r;
}

TEST(RetryPolicy, MovedAndAskCarryTheirTarget) {
  auto moved = classify(Error(Errc::server_error, "MOVED 3999 10.0.0.2:7001"), "10.0.0.1");
  EXPECT_EQ(moved.action, RetryAction::moved);
  ASSERT_TRUE(moved.redirect);
  EXPECT_EQ(moved.redirect->slot, 3999);
  EXPECT_EQ(moved.redirect->target.host, "10.0.0.2");
  auto ask = classify(Error(Errc::server_error, "ASK 12 :7002"), "10.0.0.9");
  EXPECT_EQ(ask.action, RetryAction::ask);
  ASSERT_TRUE(ask.redirect);
  EXPECT_EQ(ask.redirect->target.host, "10.0.0.9");  // no host in the text: the node asked
  EXPECT_EQ(ask.redirect->target.port, 7002);
}

TEST(RetryPolicy, RefusedOrUnsentCommandsAreResent) {
  for (const char* text : {"TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down",
                           "READONLY You can't write against a read only replica.",
                           "LOADING Redis is loading the dataset in memory", "MASTERDOWN Link with MASTER is down"}) {
    EXPECT_EQ(classify(Error(Errc::server_error, text), "h").action, RetryAction::refresh_and_resend) << text;
    EXPECT_TRUE(refused_for_now(text)) << text;
  }
  EXPECT_EQ(classify(Error(Errc::not_connected), "h").action, RetryAction::refresh_and_resend);
  EXPECT_EQ(classify(Error(Errc::closed), "h").action, RetryAction::refresh_and_resend);
}

TEST(RetryPolicy, CommandsLostInFlightAreNeverResent) {
  EXPECT_EQ(classify(Error(Errc::connection_lost), "h").action, RetryAction::refresh_and_give_up);
  EXPECT_EQ(classify(Error(Errc::timeout), "h").action, RetryAction::refresh_and_give_up);
}

TEST(RetryPolicy, FinalErrorsAreReturned) {
  EXPECT_EQ(classify(Error(Errc::server_error, "WRONGTYPE Operation against a key"), "h").action, RetryAction::give_up);
  EXPECT_EQ(classify(Error(Errc::server_error, "CROSSSLOT Keys in request don't hash to the same slot"), "h").action,
            RetryAction::give_up);
  EXPECT_EQ(classify(Error(Errc::server_error, "MOVED 99999 h:1"), "h").action, RetryAction::give_up);  // not a redirect
  EXPECT_EQ(classify(Error(Errc::queue_full), "h").action, RetryAction::give_up);
  EXPECT_EQ(classify(Error(Errc::circuit_open), "h").action, RetryAction::give_up);
  EXPECT_EQ(classify(Error(Errc::auth_failed), "h").action, RetryAction::give_up);
  EXPECT_FALSE(refused_for_now("ERR unknown command"));
}

TEST(RetryPolicy, PipelineRepliesAreClassifiedLikeErrors) {
  EXPECT_EQ(classify(Reply::make_integer(1), "h").action, RetryAction::done);
  EXPECT_EQ(classify(Reply::make_nil(), "h").action, RetryAction::done);
  EXPECT_EQ(classify(error_reply("MOVED 1 127.0.0.1:7000"), "h").action, RetryAction::moved);
  EXPECT_EQ(classify(error_reply("READONLY demoted"), "h").action, RetryAction::refresh_and_resend);
  EXPECT_EQ(classify(error_reply("ERR wrong number of arguments"), "h").action, RetryAction::give_up);
}

TEST(RetryPolicy, BackoffDoublesFromFiveUpToTwoHundredMilliseconds) {
  EXPECT_EQ(retry_backoff(0), milliseconds(5));
  EXPECT_EQ(retry_backoff(1), milliseconds(10));
  EXPECT_EQ(retry_backoff(2), milliseconds(20));
  EXPECT_EQ(retry_backoff(5), milliseconds(160));
  EXPECT_EQ(retry_backoff(6), milliseconds(200));
  EXPECT_EQ(retry_backoff(100), milliseconds(200));
  EXPECT_EQ(retry_backoff(-1), milliseconds(5));
}

}  // namespace
}  // namespace ragcache::redis
