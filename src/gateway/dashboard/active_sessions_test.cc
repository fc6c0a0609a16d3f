#include "gateway/dashboard/active_sessions.h"

#include <gtest/gtest.h>

namespace ragcache::dashboard {
namespace {

using namespace std::chrono_literals;
using Clock = ActiveSessions::Clock;

TEST(ActiveSessions, CountsDistinctIdsWithinTheWindow) {
  ActiveSessions active(5min);
  const Clock::time_point t0{};
  active.touch("a", t0);
  active.touch("b", t0 + 1min);
  active.touch("a", t0 + 2min);  // same session again: still one
  active.touch("", t0 + 2min);   // no session: ignored
  EXPECT_EQ(active.count(t0 + 2min).sessions, 2u);
  // "b" (last seen at 1 min) and "a" (2 min) age out 5 minutes after their last touch.
  EXPECT_EQ(active.count(t0 + 6min + 1s).sessions, 1u);
  EXPECT_EQ(active.count(t0 + 7min).sessions, 0u);
}

TEST(ActiveSessions, ATouchKeepsASessionAlive) {
  ActiveSessions active(5min);
  const Clock::time_point t0{};
  active.touch("a", t0);
  active.touch("a", t0 + 4min);
  EXPECT_EQ(active.count(t0 + 8min).sessions, 1u);
  EXPECT_EQ(active.count(t0 + 9min).sessions, 0u);
}

TEST(ActiveSessions, SaturatesInsteadOfGrowingPastTheBound) {
  ActiveSessions active(5min, 3);
  const Clock::time_point t0{};
  for (const char* id : {"a", "b", "c", "d", "e"}) active.touch(id, t0);
  auto c = active.count(t0);
  EXPECT_EQ(c.sessions, 3u);
  EXPECT_TRUE(c.saturated);
  // Once the old ones expire there is room again.
  active.touch("f", t0 + 6min);
  c = active.count(t0 + 6min);
  EXPECT_EQ(c.sessions, 1u);
  EXPECT_FALSE(c.saturated);
}

}  // namespace
}  // namespace ragcache::dashboard
