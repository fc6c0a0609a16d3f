#include "support/async_test.h"

namespace ragcache::testing {

bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  ctx.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    // Short slices so the deadline is checked even when handlers keep the context busy.
    ctx.run_for(std::chrono::milliseconds(20));
    if (ctx.stopped() && !done()) ctx.restart();
  }
  return true;
}

}  // namespace ragcache::testing
