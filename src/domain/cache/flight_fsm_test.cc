#include "domain/cache/flight_fsm.h"

#include <gtest/gtest.h>

#include "redis/errors.h"

namespace ragcache::cache {
namespace {

using Step = FlightFsm::Step;
using EntryStep = FlightFsm::EntryStep;

BeginReply hit(bool usable) { return {.kind = BeginReply::Kind::hit, .usable = usable}; }
BeginReply acquired(std::uint64_t fence) { return {.kind = BeginReply::Kind::acquired, .fence = fence}; }
BeginReply held(std::uint64_t fence) { return {.kind = BeginReply::Kind::held, .fence = fence}; }
BeginReply unavailable() {
  return {.kind = BeginReply::Kind::unavailable, .error = Error(redis::Errc::not_connected)};
}

// A state machine that has just become the leader of generation 3.
FlightFsm leader() {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(acquired(3));
  return fsm;
}

TEST(FlightFsm, StartsByAskingRedis) {
  FlightFsm fsm;
  auto a = fsm.start();
  EXPECT_EQ(a.step, Step::begin);
  EXPECT_FALSE(a.skip_cache);
}

TEST(FlightFsm, UsableHitIsDelivered) {
  FlightFsm fsm;
  fsm.start();
  EXPECT_EQ(fsm.on_begin(hit(true)).step, Step::deliver_hit);
}

TEST(FlightFsm, AnotherRequestsEntryIsAMissAndStaysSkipped) {
  FlightFsm fsm;
  fsm.start();
  auto a = fsm.on_begin(hit(false));
  EXPECT_EQ(a.step, Step::begin);
  EXPECT_TRUE(a.skip_cache);
  // Following, then re-checking: the entry is still not ours.
  fsm.on_begin(held(7));
  auto again = fsm.on_follow_end(FollowEnd::quiet);
  EXPECT_EQ(again.step, Step::begin);
  EXPECT_TRUE(again.skip_cache);
}

TEST(FlightFsm, FreeLockMakesThisProcessTheLeader) {
  FlightFsm fsm;
  fsm.start();
  auto a = fsm.on_begin(acquired(12));
  EXPECT_EQ(a.step, Step::lead);
  EXPECT_EQ(a.fence, 12u);
  EXPECT_FALSE(fsm.took_over());
  EXPECT_FALSE(fsm.followed());
}

TEST(FlightFsm, HeldLockIsFollowedFromTheStreamStart) {
  FlightFsm fsm;
  fsm.start();
  auto a = fsm.on_begin(held(5));
  EXPECT_EQ(a.step, Step::follow);
  EXPECT_EQ(a.fence, 5u);
  EXPECT_TRUE(a.read_from_start);
  EXPECT_FALSE(a.restart);  // nothing collected yet
  EXPECT_TRUE(fsm.followed());
}

TEST(FlightFsm, LeaderFinishesFollowersAreDone) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  EXPECT_EQ(fsm.on_entry(EntryKind::start, 5), EntryStep::ignore);
  EXPECT_EQ(fsm.on_entry(EntryKind::chunk), EntryStep::append);
  EXPECT_EQ(fsm.on_entry(EntryKind::done), EntryStep::finish);
  EXPECT_EQ(fsm.on_follow_end(FollowEnd::finished).step, Step::done);
  EXPECT_EQ(fsm.step(), Step::done);
}

TEST(FlightFsm, LeaderErrorMarkerFailsFollowers) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  EXPECT_EQ(fsm.on_entry(EntryKind::error), EntryStep::fail);
  EXPECT_EQ(fsm.on_entry(EntryKind::unknown), EntryStep::ignore);
}

TEST(FlightFsm, QuietStreamOrFailedReadRechecksTheLeader) {
  for (auto end : {FollowEnd::quiet, FollowEnd::read_failed}) {
    FlightFsm fsm;
    fsm.start();
    fsm.on_begin(held(5));
    auto a = fsm.on_follow_end(end);
    EXPECT_EQ(a.step, Step::begin);
    // The same generation still holds the lock: keep reading where we were.
    auto again = fsm.on_begin(held(5));
    EXPECT_EQ(again.step, Step::follow);
    EXPECT_FALSE(again.read_from_start);
    EXPECT_FALSE(again.restart);
  }
}

TEST(FlightFsm, LeaderLeaseLapsesAndAFollowerTakesOver) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  fsm.on_follow_end(FollowEnd::quiet);
  auto a = fsm.on_begin(acquired(9));  // the dead leader's lock expired: ours now
  EXPECT_EQ(a.step, Step::lead);
  EXPECT_EQ(a.fence, 9u);
  EXPECT_TRUE(a.restart);  // chunks of the dead generation are dropped
  EXPECT_TRUE(fsm.took_over());
}

TEST(FlightFsm, AnotherFollowerTookOverFollowTheNewGenerationFromItsStart) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  fsm.on_follow_end(FollowEnd::quiet);
  auto a = fsm.on_begin(held(9));
  EXPECT_EQ(a.step, Step::follow);
  EXPECT_TRUE(a.read_from_start);
  EXPECT_TRUE(a.restart);
  EXPECT_EQ(fsm.fence(), 9u);
  EXPECT_FALSE(fsm.took_over());
}

TEST(FlightFsm, NewerStartMarkerWhileReadingRestartsTheGeneration) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  EXPECT_EQ(fsm.on_entry(EntryKind::start, 4), EntryStep::ignore);  // an older marker: not news
  EXPECT_EQ(fsm.on_entry(EntryKind::start, 9), EntryStep::restart);
  EXPECT_EQ(fsm.fence(), 9u);
  EXPECT_EQ(fsm.on_entry(EntryKind::start, 9), EntryStep::ignore);
  // A re-check that finds the generation we restarted to is no new generation.
  fsm.on_follow_end(FollowEnd::quiet);
  EXPECT_FALSE(fsm.on_begin(held(9)).read_from_start);
}

TEST(FlightFsm, NoCallerLeftAbandonsTheFollow) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  auto a = fsm.on_follow_end(FollowEnd::abandoned);
  EXPECT_EQ(a.step, Step::fail);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->code, ragcache::Errc::cancelled);
}

TEST(FlightFsm, RedisUnavailableComputesHereOrFails) {
  FlightFsm bypassing(true);
  bypassing.start();
  EXPECT_EQ(bypassing.on_begin(unavailable()).step, Step::bypass);
  FlightFsm strict(false);
  strict.start();
  auto a = strict.on_begin(unavailable());
  EXPECT_EQ(a.step, Step::fail);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->code, redis::Errc::not_connected);
}

TEST(FlightFsm, RedisGoneWhileFollowingComputesHere) {
  FlightFsm fsm;
  fsm.start();
  fsm.on_begin(held(5));
  fsm.on_follow_end(FollowEnd::read_failed);
  EXPECT_EQ(fsm.on_begin(unavailable()).step, Step::bypass);
}

TEST(FlightFsm, MalformedReplyFails) {
  FlightFsm fsm;
  fsm.start();
  auto a = fsm.on_begin({.kind = BeginReply::Kind::malformed, .error = Error(redis::Errc::unexpected_reply, "x")});
  EXPECT_EQ(a.step, Step::fail);
  EXPECT_EQ(a.error->code, redis::Errc::unexpected_reply);
}

TEST(FlightFsm, LeaderStoresACompleteAnswer) {
  FlightFsm fsm = leader();
  auto a = fsm.on_compute_end(true, true);
  EXPECT_EQ(a.step, Step::finish);
  EXPECT_TRUE(a.store);
  EXPECT_FALSE(a.error_marker);
  auto s = fsm.after_finish(FinishReply::finished);
  EXPECT_TRUE(s.remember);
  EXPECT_FALSE(s.refused);
  EXPECT_EQ(fsm.step(), Step::done);
}

TEST(FlightFsm, LeaderFailureWritesAnErrorMarkerAndStoresNothing) {
  FlightFsm fsm = leader();
  auto a = fsm.on_compute_end(false, false);
  EXPECT_TRUE(a.error_marker);
  EXPECT_FALSE(a.store);
  auto s = fsm.after_finish(FinishReply::finished);
  EXPECT_FALSE(s.remember);
  EXPECT_FALSE(s.refused);
}

TEST(FlightFsm, UncacheableAnswerIsFinishedButNotStored) {
  FlightFsm fsm = leader();
  auto a = fsm.on_compute_end(true, false);  // truncated, refused or too large
  EXPECT_FALSE(a.store);
  EXPECT_FALSE(a.error_marker);
  EXPECT_FALSE(fsm.after_finish(FinishReply::finished).remember);
}

TEST(FlightFsm, LeaderWhoseLeaseLapsedIsRefused) {
  FlightFsm fsm = leader();
  fsm.on_compute_end(true, true);
  auto s = fsm.after_finish(FinishReply::refused);
  EXPECT_TRUE(s.refused);
  EXPECT_FALSE(s.remember);
  EXPECT_TRUE(fsm.after_finish(FinishReply::failed).refused);
}

TEST(FlightFsm, AnswerInvalidatedDuringTheFlightIsNotKept) {
  FlightFsm fsm = leader();
  EXPECT_TRUE(fsm.on_compute_end(true, true).store);  // the script checks the in-flight marker
  auto s = fsm.after_finish(FinishReply::stale);
  EXPECT_FALSE(s.remember);
  EXPECT_FALSE(s.refused);  // on purpose, not an anomaly
}

TEST(FlightWait, NotifiedLooksAgainCancelledLeaves) {
  EXPECT_EQ(after_wait(WaitEnd::notified, false, 0), WaitStep::look_again);
  EXPECT_EQ(after_wait(WaitEnd::cancelled, true, 0), WaitStep::cancelled);
}

TEST(FlightWait, FollowerDeadlineFailsOrComputesAlone) {
  EXPECT_EQ(after_wait(WaitEnd::deadline, false, 0), WaitStep::timed_out);
  EXPECT_EQ(after_wait(WaitEnd::deadline, true, 0), WaitStep::compute_alone);
  // A stream caller that relayed chunks cannot switch to an answer of its own.
  EXPECT_EQ(after_wait(WaitEnd::deadline, true, 2), WaitStep::timed_out);
}

TEST(FlightWait, OnlyACallerThatRelayedNothingFollowsANewGeneration) {
  EXPECT_TRUE(can_follow_new_generation(0));
  EXPECT_FALSE(can_follow_new_generation(1));
}

TEST(FlightWait, OnlyTheCreatorReportsTheComputeAsItsOwn) {
  EXPECT_EQ(caller_role(FlightRole::leader, true), FlightRole::leader);
  EXPECT_EQ(caller_role(FlightRole::leader, false), FlightRole::shared);
  EXPECT_EQ(caller_role(FlightRole::bypass, true), FlightRole::bypass);
  EXPECT_EQ(caller_role(FlightRole::bypass, false), FlightRole::shared);  // Redis down: still one compute
  EXPECT_EQ(caller_role(FlightRole::hit, false), FlightRole::hit);
  EXPECT_EQ(caller_role(FlightRole::shared, true), FlightRole::shared);
}

}  // namespace
}  // namespace ragcache::cache
