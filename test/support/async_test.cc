#include "support/async_test.h"

#include <algorithm>
#include <thread>

namespace ragcache::testing {
namespace {

// The context ran out of work (what it waits for comes from another thread or process): ready
// it again without spinning on a machine that is busy enough already.
void idle_restart(boost::asio::io_context& ctx) {
  ctx.restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + scaled(deadline);
  ctx.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    // Short slices so the deadline is checked even when handlers keep the context busy.
    ctx.run_for(std::chrono::milliseconds(20));
    if (ctx.stopped() && !done()) idle_restart(ctx);
  }
  return true;
}

void run_for(boost::asio::io_context& ctx, std::chrono::milliseconds duration) {
  // A run_until that never finishes, on the unscaled duration.
  const auto end = std::chrono::steady_clock::now() + duration;
  ctx.restart();
  for (auto now = std::chrono::steady_clock::now(); now < end; now = std::chrono::steady_clock::now()) {
    ctx.run_for(std::min<std::chrono::steady_clock::duration>(end - now, std::chrono::milliseconds(20)));
    if (ctx.stopped()) idle_restart(ctx);
  }
}

}  // namespace ragcache::testing
