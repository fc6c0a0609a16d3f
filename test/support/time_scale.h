// Time budgets of tests, stretched to the machine they run on.
//
// A test waits for things that take real time: a reply, a reconnect, a lease to lapse. Each wait
// has a budget, and on a loaded machine or under a sanitizer the same work takes several times
// longer: a fixed budget then turns load into false failures. One setting stretches them all:
// the environment variable RAGCACHE_TEST_TIME_SCALE (a number >= 1; unset: 1). CTest sets it for
// every test from the CMake cache variable of the same name (cmake/ragcache.cmake: 1 by default,
// 3 under ASan, 5 under TSan; scripts/test.sh sets it per tree and raises it for a stress run).
//
// What to scale: budgets, i.e. how long the test is willing to wait for something that must
// happen (deadlines, a client's connect and command timeouts, "within N ms" bounds). What not to
// scale alone: a duration that is the behaviour under test (a TTL, a lease, a rate window): keep
// it, or scale it together with every wait that depends on it, so their ratio stays.
#pragma once

#include <chrono>
#include <functional>

namespace ragcache::testing {

// RAGCACHE_TEST_TIME_SCALE, read once. A value that is not a number >= 1 stops the test program
// with a message (a typo must not silently shrink every deadline).
double time_scale();

// d stretched by time_scale(), rounded up to whole milliseconds.
template <class Rep, class Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> d) {
  const auto ms = std::chrono::duration<double, std::milli>(d).count() * time_scale();
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(ms + 0.999));
}

// Polls done() from the calling thread every `step` until it holds (true) or scaled(budget) has
// passed (false). For conditions met by another process or thread (a server, a child process);
// a condition met by the test's own io_context needs run_until (async_test.h) instead.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds budget,
                std::chrono::milliseconds step = std::chrono::milliseconds(10));

}  // namespace ragcache::testing
