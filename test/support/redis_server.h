// A real redis-server for integration tests.
//
// Each RedisServer is its own process with its own temporary directory, on a free TCP port and
// a unix socket. Tests may stop, kill -9, restart (same port, same data dir, so AOF/RDB survive),
// and SIGSTOP/SIGCONT it. The destructor kills it and removes the directory.
//
// Typical use: one server per test suite (SetUpTestSuite) and a fresh key prefix per test
// (KeyPrefix below), so tests never see each other's keys.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace ragcache::testing {

struct RedisServerOptions {
  std::vector<std::string> extra_args = {};  // e.g. {"--appendonly", "yes"}
  bool tls = false;                          // also listen with TLS (self-signed cert made here)
  std::string requirepass = {};              // sets `requirepass` (user "default")
  std::string acl_user = {};                 // with acl_password: an extra ACL user with all rights
  std::string acl_password = {};
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  const std::string& unix_socket() const { return socket_path_; }
  const std::string& dir() const { return dir_; }
  const std::string& ca_cert() const { return ca_cert_; }  // PEM of the CA that signed the cert

  std::string url() const;       // redis://127.0.0.1:<port>
  std::string unix_url() const;  // unix:///path
  std::string tls_url() const;   // rediss://127.0.0.1:<tls_port>

  void start();         // waits until it answers PING (up to scaled(10 s), support/time_scale.h)
  void kill();          // SIGKILL, no save
  void stop();          // SHUTDOWN-equivalent: SIGTERM and wait
  void restart();       // kill() (if running) then start() on the same port and dir
  void pause();         // SIGSTOP
  void resume();        // SIGCONT
  bool running() const { return process_.running(); }

  // Runs one command synchronously (hiredis blocking API, for test set-up and assertions only)
  // and returns its reply rendered as text: integers as digits, nil as "(nil)", arrays joined by
  // '\n', errors prefixed "ERR:"-style as the server sent them.
  std::string command(const std::vector<std::string>& argv) const;

 private:
  void make_tls_material();
  bool ping() const;

  RedisServerOptions options_;
  std::string dir_;
  std::string socket_path_;
  std::string ca_cert_;
  int port_ = 0;
  int tls_port_ = 0;
  Process process_;
};

// A unique, cluster-safe key prefix for one test: "t:{<test-name>-<n>}:". Keys built on it share
// a hash slot, so multi-key scripts under it are cluster-safe too.
std::string key_prefix();

}  // namespace ragcache::testing
