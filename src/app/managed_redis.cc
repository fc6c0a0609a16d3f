#include "app/managed_redis.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

namespace ragcache::app {
namespace {

// True when the server at `socket` answers PING (a blocking probe; used only while starting).
bool answers_ping(const std::string& socket) {
  timeval tv{0, 200000};
  redisContext* c = redisConnectUnixWithTimeout(socket.c_str(), tv);
  if (c == nullptr) return false;
  bool ok = false;
  if (!c->err) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
    if (reply) freeReplyObject(reply);
  }
  redisFree(c);
  return ok;
}

bool on_path(const std::string& binary) {
  if (binary.find('/') != std::string::npos) return ::access(binary.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find(':', start);
    std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && ::access((dir + "/" + binary).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ManagedRedis>> ManagedRedis::start(ManagedRedisOptions options) {
  if (!on_path(options.redis_server)) {
    return Error(ragcache::Errc::unavailable,
                 "'" + options.redis_server + "' not found: install it (Debian: apt-get install redis-server) or give "
                 "--redis URL to use an existing server");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Error(ragcache::Errc::invalid_argument, "cannot create data dir " + options.data_dir + ": " + ec.message());
  auto dir = std::filesystem::absolute(options.data_dir).lexically_normal().string();
  std::unique_ptr<ManagedRedis> self(new ManagedRedis());
  self->socket_path_ = dir + "/redis.sock";
  self->log_path_ = dir + "/redis.log";
  if (self->socket_path_.size() >= 100) {
    return Error(ragcache::Errc::invalid_argument, "data dir path too long for a unix socket: " + dir);
  }
  if (answers_ping(self->socket_path_)) {
    return Error(ragcache::Errc::unavailable, "a redis-server already runs on " + self->socket_path_ +
                                                   " (another ragcache on the same --data-dir?)");
  }
  std::vector<std::string> argv = {options.redis_server, "--port", "0", "--unixsocket", self->socket_path_,
                                   "--unixsocketperm", "700", "--dir", dir, "--appendonly", "yes",
                                   "--appendfsync", "everysec", "--save", "3600 1 300 100",
                                   "--daemonize", "no", "--logfile", self->log_path_,
                                   "--maxmemory-policy", "noeviction"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Error(ragcache::Errc::internal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  self->pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(self->socket_path_)) return self;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      self->pid_ = -1;
      return Error(ragcache::Errc::unavailable, "redis-server exited at start; see " + self->log_path_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error(ragcache::Errc::timeout, "redis-server did not answer within the start timeout; see " + self->log_path_);
}

ManagedRedis::~ManagedRedis() { stop(); }

void ManagedRedis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {  // up to 10 s for the final AOF write
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ragcache::app
