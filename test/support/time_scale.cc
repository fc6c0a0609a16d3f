#include "support/time_scale.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace ragcache::testing {
namespace {

double read_time_scale() {
  const char* text = std::getenv("RAGCACHE_TEST_TIME_SCALE");
  if (text == nullptr || *text == '\0') return 1.0;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= 1.0) || value > 1000.0) {
    std::fprintf(stderr, "RAGCACHE_TEST_TIME_SCALE=%s: expected a number from 1 to 1000\n", text);
    std::exit(2);
  }
  return value;
}

}  // namespace

double time_scale() {
  static const double scale = read_time_scale();
  return scale;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds budget, std::chrono::milliseconds step) {
  const auto end = std::chrono::steady_clock::now() + scaled(budget);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace ragcache::testing
