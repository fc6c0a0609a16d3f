// The embedded default: a local redis-server that `ragcache serve` starts, owns and stops.
//
// It listens only on a unix socket in the data directory (no TCP port), keeps its data there,
// and runs with AOF on (appendfsync everysec) because it holds session state as well as the
// cache. It dies with ragcache (PR_SET_PDEATHSIG), so a crash never leaves it behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/error.h"

namespace ragcache::app {

struct ManagedRedisOptions {
  std::string data_dir = "./.ragcache";
  std::string redis_server = "redis-server";
  std::chrono::milliseconds start_timeout{10000};
};

class ManagedRedis {
 public:
  // Starts redis-server and waits until it answers PING. Errors: redis-server not installed
  // (names the package), data dir not writable, server exited or did not answer in time.
  static Result<std::unique_ptr<ManagedRedis>> start(ManagedRedisOptions options);
  ~ManagedRedis();  // stop()

  // SIGTERM (redis-server flushes AOF and exits) and wait.
  void stop();
  std::string url() const { return "unix://" + socket_path_; }
  const std::string& log_path() const { return log_path_; }

 private:
  ManagedRedis() = default;
  pid_t pid_ = -1;
  std::string socket_path_;
  std::string log_path_;
};

}  // namespace ragcache::app
