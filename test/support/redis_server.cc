#include "support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "support/free_port.h"
#include "support/time_scale.h"

namespace ragcache::testing {
namespace {

std::string make_temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ragcache-redis-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void run_or_throw(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};

std::string render(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (size_t i = 0; i < r->elements; ++i) {
        if (i) out += '\n';
        out += render(r->element[i]);
      }
      return out;
    }
    default: return std::string(r->str, r->len);
  }
}

}  // namespace

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  dir_ = make_temp_dir();
  socket_path_ = dir_ + "/redis.sock";
  if (options_.tls) make_tls_material();
  start();
}

RedisServer::~RedisServer() {
  if (process_.running()) {
    process_.signal(SIGCONT);
    process_.stop(SIGKILL);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
std::string RedisServer::unix_url() const { return "unix://" + socket_path_; }
std::string RedisServer::tls_url() const { return "rediss://127.0.0.1:" + std::to_string(tls_port_); }

void RedisServer::make_tls_material() {
  // A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it.
  const std::string d = dir_;
  run_or_throw("cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ragcache-test-ca"
               " -keyout ca.key -out ca.crt >/dev/null 2>&1");
  run_or_throw("cd " + d + " && openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key"
               " -out server.csr >/dev/null 2>&1");
  run_or_throw("cd " + d + " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext && "
               "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2"
               " -extfile san.ext -out server.crt >/dev/null 2>&1");
  ca_cert_ = d + "/ca.crt";
}

void RedisServer::start() {
  if (process_.running()) return;
  const bool first = port_ == 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (first || attempt > 0) {
      port_ = free_port();
      if (options_.tls) tls_port_ = free_port();
    }
    std::vector<std::string> argv = {
        "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
        "--unixsocket", socket_path_, "--unixsocketperm", "700", "--dir", dir_,
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
        "--loglevel", "warning", "--logfile", dir_ + "/redis.log"};
    if (options_.tls) {
      argv.insert(argv.end(), {"--tls-port", std::to_string(tls_port_), "--tls-cert-file", dir_ + "/server.crt",
                               "--tls-key-file", dir_ + "/server.key", "--tls-ca-cert-file", ca_cert_,
                               "--tls-auth-clients", "no"});
    }
    if (!options_.requirepass.empty()) argv.insert(argv.end(), {"--requirepass", options_.requirepass});
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    process_ = Process(argv);
    auto deadline = std::chrono::steady_clock::now() + scaled(std::chrono::seconds(10));
    while (std::chrono::steady_clock::now() < deadline) {
      if (ping()) {
        if (!options_.acl_user.empty()) {
          command({"ACL", "SETUSER", options_.acl_user, "on", ">" + options_.acl_password, "~*", "&*", "+@all"});
        }
        return;
      }
      if (process_.wait_exit(0)) break;  // exited: port taken, or a bad argument
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    process_.stop(SIGKILL);
    if (!first && attempt == 0) {
      // A restart must keep its port; only a fresh server may move to another one.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
  }
  throw std::runtime_error("redis-server did not start; see " + dir_ + "/redis.log");
}

void RedisServer::kill() {
  process_.signal(SIGCONT);
  process_.stop(SIGKILL);
}

void RedisServer::stop() {
  process_.signal(SIGCONT);
  process_.stop(SIGTERM);
}

void RedisServer::restart() {
  kill();
  // Same port and dir: clients reconnect to the address they know, and AOF/RDB files persist.
  const int keep_port = port_;
  for (int attempt = 0; attempt < 50; ++attempt) {
    try {
      port_ = keep_port;
      start();
      if (port_ == keep_port) return;
    } catch (const std::exception&) {
    }
    kill();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("redis-server could not be restarted on its port");
}

void RedisServer::pause() { process_.signal(SIGSTOP); }
void RedisServer::resume() { process_.signal(SIGCONT); }

bool RedisServer::ping() const {
  try {
    auto reply = command({"PING"});
    return reply == "PONG";
  } catch (const std::exception&) {
    return false;
  }
}

std::string RedisServer::command(const std::vector<std::string>& argv) const {
  timeval tv{2, 0};
  std::unique_ptr<redisContext, ContextDeleter> ctx(redisConnectUnixWithTimeout(socket_path_.c_str(), tv));
  if (!ctx || ctx->err) throw std::runtime_error("cannot connect to test redis-server");
  redisSetTimeout(ctx.get(), tv);
  if (!options_.requirepass.empty()) {
    std::unique_ptr<redisReply, ReplyDeleter> auth(
        static_cast<redisReply*>(redisCommand(ctx.get(), "AUTH %s", options_.requirepass.c_str())));
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(
      redisCommandArgv(ctx.get(), static_cast<int>(args.size()), args.data(), lens.data())));
  if (!reply) throw std::runtime_error("test redis-server: no reply");
  return render(reply.get());
}

std::string key_prefix() {
  static std::atomic<int> counter{0};
  std::string name = "test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = std::string(info->test_suite_name()) + "." + info->name();
  }
  return "t:{" + name + "-" + std::to_string(counter++) + "}:";
}

}  // namespace ragcache::testing
