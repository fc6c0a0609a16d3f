// A child process owned by RAII: started with posix_spawn, killed (SIGKILL) and reaped on
// destruction so no test leaves a server behind, even when it fails half-way.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ragcache::testing {

class Process {
 public:
  Process() = default;
  // Starts argv[0] (looked up in PATH) with argv; stdout/stderr go to log_path if not empty.
  Process(const std::vector<std::string>& argv, const std::string& log_path = {});
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void signal(int sig) const;
  // Sends sig and waits for the process to exit; returns its wait status.
  int stop(int sig);
  // Waits for exit for at most timeout_ms; returns true when it exited.
  bool wait_exit(int timeout_ms);

 private:
  pid_t pid_ = -1;
};

// The directory of the running test binary: helper binaries sit beside it (or above it).
std::string test_binary_dir();

// Path of the built `ragcache` executable (env RAGCACHE_BIN overrides).
std::string ragcache_binary();

}  // namespace ragcache::testing
