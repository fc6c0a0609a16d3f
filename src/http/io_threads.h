// Runs one io_context on N threads until stop() (or destruction), for servers and tools.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace ragcache::http {

class IoThreads {
 public:
  // threads <= 0: one per hardware core.
  IoThreads(boost::asio::io_context& ctx, int threads);
  ~IoThreads();  // stop() + join()
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // Lets run() return once the context has no work left (does not interrupt handlers).
  void release();
  // Stops the context at once (pending handlers are not run).
  void stop();
  void join();
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  boost::asio::io_context& ctx_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::vector<std::thread> threads_;
};

int default_io_threads();

}  // namespace ragcache::http
