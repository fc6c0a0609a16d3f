#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <cerrno>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ragcache::testing {

Process::Process(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string out = log_path.empty() ? "/dev/null" : log_path;
  // A pipe whose write end closes on a successful exec tells the parent whether exec worked.
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    // Die with the test process even when it crashes, so no server outlives its test...
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // ...and never hold the test's stdout/stderr: CTest waits for those pipes to close.
    int in = ::open("/dev/null", O_RDONLY);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(in, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execvp(args[0], args.data());
    int err = errno;
    (void)!::write(status_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(status_pipe[1]);
  int err = 0;
  ssize_t n = ::read(status_pipe[0], &err, sizeof err);
  ::close(status_pipe[0]);
  if (n == sizeof err) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + " (is it installed?): " + std::strerror(err));
  }
}

Process::~Process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);  // a SIGSTOPped child would otherwise never see SIGKILL handled
    stop(SIGKILL);
  }
}

Process::Process(Process&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) stop(SIGKILL);
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

void Process::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Process::stop(int sig) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

bool Process::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  // Checked at least once, so wait_exit(0) is a non-blocking poll.
  do {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    if (timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::string test_binary_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

std::string ragcache_binary() {
  if (const char* env = std::getenv("RAGCACHE_BIN")) return env;
  // Test binaries live in <build>/src/<layer>/; the executable in <build>/src/app/.
  auto dir = std::filesystem::path(test_binary_dir());
  for (auto p = dir; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    auto candidate = p / "src" / "app" / "ragcache";
    if (std::filesystem::exists(candidate)) return candidate.string();
  }
  throw std::runtime_error("cannot find the ragcache executable; set RAGCACHE_BIN");
}

}  // namespace ragcache::testing
