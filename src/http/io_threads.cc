#include "http/io_threads.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace ragcache::http {

int default_io_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

IoThreads::IoThreads(boost::asio::io_context& ctx, int threads) : ctx_(ctx) {
  guard_.emplace(ctx.get_executor());
  if (threads <= 0) threads = default_io_threads();
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      // A handler that throws must not take the process down silently: log and keep serving.
      for (;;) {
        try {
          ctx_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("io thread: uncaught exception: {}", e.what());
        }
      }
    });
  }
}

IoThreads::~IoThreads() {
  stop();
  join();
}

void IoThreads::release() { guard_.reset(); }

void IoThreads::stop() {
  guard_.reset();
  ctx_.stop();
}

void IoThreads::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace ragcache::http
