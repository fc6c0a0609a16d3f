// The circuit breaker's state machine, driven with explicit times (no sockets, no sleeps).
#include "redis/circuit_breaker.h"

#include <gtest/gtest.h>

#include <thread>
#include <utility>
#include <vector>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

using namespace std::chrono_literals;
using Admission = CircuitBreaker::Admission;
using Transition = std::pair<CircuitState, CircuitState>;

struct Recorder {
  std::vector<Transition> transitions;
  CircuitBreakerOptions options(std::size_t threshold, std::chrono::milliseconds open_for) {
    CircuitBreakerOptions o;
    o.failure_threshold = threshold;
    o.open_duration = open_for;
    o.on_state_change = [this](CircuitState from, CircuitState to) { transitions.emplace_back(from, to); };
    return o;
  }
};

const CircuitBreaker::Clock::time_point t0{};

// Sends one command at time t with the given outcome; returns what admit() said.
Admission command(CircuitBreaker& b, CircuitBreaker::Clock::time_point t, bool fails) {
  const Admission a = b.admit(t);
  b.record(a, fails, t);
  return a;
}

TEST(CircuitBreaker, OpensOnlyAfterThresholdConsecutiveFailures) {
  Recorder rec;
  CircuitBreaker b(rec.options(3, 1000ms));
  // Two failures, a success (the streak resets), two more failures: still closed.
  EXPECT_EQ(command(b, t0, true), Admission::pass);
  EXPECT_EQ(command(b, t0, true), Admission::pass);
  EXPECT_EQ(command(b, t0, false), Admission::pass);
  EXPECT_EQ(command(b, t0, true), Admission::pass);
  EXPECT_EQ(command(b, t0, true), Admission::pass);
  EXPECT_EQ(b.state(), CircuitState::closed);
  EXPECT_TRUE(rec.transitions.empty());
  // The third in a row opens it.
  EXPECT_EQ(command(b, t0 + 10ms, true), Admission::pass);
  EXPECT_EQ(b.state(), CircuitState::open);
  EXPECT_EQ(b.opened_count(), 1u);
  ASSERT_EQ(rec.transitions.size(), 1u);
  EXPECT_EQ(rec.transitions[0], Transition(CircuitState::closed, CircuitState::open));
}

TEST(CircuitBreaker, RefusesWhileOpenThenLetsOneProbeThrough) {
  Recorder rec;
  CircuitBreaker b(rec.options(1, 500ms));
  command(b, t0, true);
  ASSERT_EQ(b.state(), CircuitState::open);
  EXPECT_EQ(b.admit(t0 + 1ms), Admission::refused);
  EXPECT_EQ(b.admit(t0 + 499ms), Admission::refused);
  EXPECT_EQ(b.refused_count(), 2u);
  // Cool-down over: the first caller is the probe, everyone else is still refused meanwhile.
  const Admission probe = b.admit(t0 + 500ms);
  EXPECT_EQ(probe, Admission::probe);
  EXPECT_EQ(b.state(), CircuitState::half_open);
  EXPECT_EQ(b.admit(t0 + 501ms), Admission::refused);
  EXPECT_EQ(b.admit(t0 + 5s), Admission::refused) << "a second probe while the first is out";
  b.record(probe, false, t0 + 600ms);
  EXPECT_EQ(b.state(), CircuitState::closed);
  EXPECT_EQ(b.admit(t0 + 601ms), Admission::pass);
  const std::vector<Transition> expected = {{CircuitState::closed, CircuitState::open},
                                            {CircuitState::open, CircuitState::half_open},
                                            {CircuitState::half_open, CircuitState::closed}};
  EXPECT_EQ(rec.transitions, expected);
}

TEST(CircuitBreaker, FailedProbeReopensForAnotherFullCoolDown) {
  Recorder rec;
  CircuitBreaker b(rec.options(2, 1000ms));
  command(b, t0, true);
  command(b, t0, true);
  const Admission probe = b.admit(t0 + 1000ms);
  ASSERT_EQ(probe, Admission::probe);
  b.record(probe, true, t0 + 1500ms);  // the probe timed out half a second later
  EXPECT_EQ(b.state(), CircuitState::open);
  EXPECT_EQ(b.opened_count(), 2u);
  // The cool-down counts from the failed probe, not from the first opening.
  EXPECT_EQ(b.admit(t0 + 2400ms), Admission::refused);
  EXPECT_EQ(b.admit(t0 + 2500ms), Admission::probe);
}

TEST(CircuitBreaker, LateResultsOfCommandsSentBeforeTheOpeningChangeNothing) {
  Recorder rec;
  CircuitBreaker b(rec.options(2, 1000ms));
  // Three commands go out while closed; two fail (opening the circuit), then the third's
  // success and a fourth's failure arrive late.
  const Admission a1 = b.admit(t0), a2 = b.admit(t0), a3 = b.admit(t0), a4 = b.admit(t0);
  b.record(a1, true, t0 + 1ms);
  b.record(a2, true, t0 + 1ms);
  ASSERT_EQ(b.state(), CircuitState::open);
  b.record(a3, false, t0 + 2ms);
  b.record(a4, true, t0 + 2ms);
  EXPECT_EQ(b.state(), CircuitState::open);
  EXPECT_EQ(b.opened_count(), 1u);
  // During half-open only the probe's result counts.
  const Admission probe = b.admit(t0 + 1001ms);
  ASSERT_EQ(probe, Admission::probe);
  b.record(Admission::pass, false, t0 + 1002ms);
  EXPECT_EQ(b.state(), CircuitState::half_open);
  b.record(probe, false, t0 + 1003ms);
  EXPECT_EQ(b.state(), CircuitState::closed);
  // Closed again with a fresh streak: one failure does not reopen a threshold-2 breaker.
  command(b, t0 + 1004ms, true);
  EXPECT_EQ(b.state(), CircuitState::closed);
}

TEST(CircuitBreaker, ThresholdZeroIsTreatedAsOne) {
  CircuitBreakerOptions o;
  o.failure_threshold = 0;
  CircuitBreaker b(o);
  command(b, t0, true);
  EXPECT_EQ(b.state(), CircuitState::open);
}

TEST(CircuitBreaker, OnlyUnavailabilityCountsAsFailure) {
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::timeout)));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::connection_lost)));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::not_connected)));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "LOADING Redis is loading the dataset")));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "BUSY Redis is busy running a script")));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "CLUSTERDOWN The cluster is down")));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "MASTERDOWN Link with MASTER is down")));
  // The server answered: it is alive, whatever the caller did wrong.
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "WRONGTYPE Operation against a key")));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "BUSYKEY Target key name already exists")));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::server_error, "NOSCRIPT No matching script")));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::unexpected_reply)));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::closed)));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(Errc::circuit_open)));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(Error(ragcache::Errc::timeout))) << "another category's code";
}

TEST(CircuitBreaker, ConcurrentCallersSeeExactlyOneProbe) {
  CircuitBreakerOptions o;
  o.failure_threshold = 1;
  o.open_duration = 10ms;
  CircuitBreaker b(o);
  command(b, t0, true);
  std::atomic<int> probes{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 1000; ++k) {
        const Admission a = b.admit(t0 + 20ms);
        if (a == Admission::probe) ++probes;
        if (a == Admission::refused) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(probes.load(), 1);
  EXPECT_EQ(refused.load(), 8 * 1000 - 1);
}

}  // namespace
}  // namespace ragcache::redis
