// Throughput of the ragcache Redis client: C concurrent callers doing SET then GET, each waiting
// for its reply before the next, or each sending pipelines of P commands. Two ways to connect:
//   --connections shared      one client, every caller's commands multiplexed on its pool (by
//                             default one connection): up to C x P commands in flight on it
//   --connections per-caller  one client (one connection) per caller: P in flight per connection,
//                             like redis-benchmark -c C -P P
// Every reply is checked (SET answers OK, GET returns the value set); any failure makes the exit
// status 1 with the count on stderr. Prints one CSV line per test: "name,ops_per_sec".
//
//   redis_client_bench --url redis://127.0.0.1:6379 --clients 50 --requests 200000 [--pipeline 16]
//                      [--connections shared|per-caller] [--pool N (shared only)]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "redis/client.h"

namespace asio = boost::asio;
using ragcache::redis::Client;
using ragcache::redis::Command;
using ragcache::redis::Reply;

namespace {

struct Args {
  std::string url = "redis://127.0.0.1:6379";
  int clients = 50;
  int requests = 200000;
  int pipeline = 1;
  int pool = 1;
  bool per_caller = false;
};

const std::string kValue(3, 'x');  // redis-benchmark's default payload is 3 bytes

bool reply_ok(const Reply& r, bool set) { return set ? r.is_string() && r.str == "OK" : r.is_string() && r.str == kValue; }

// Runs `requests` commands over the callers; returns ops/s and adds failed or wrong replies to errors.
double run(std::vector<std::unique_ptr<Client>>& clients, asio::io_context& io, const Args& args, bool set, long& errors) {
  int remaining = args.requests;
  int active = args.clients;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < args.clients; ++c) {
    Client& client = *clients[static_cast<std::size_t>(c) % clients.size()];
    asio::co_spawn(io, [&, c]() -> asio::awaitable<void> {
      const std::string key = "key:__rand_int__" + std::to_string(c);
      while (remaining > 0) {
        if (args.pipeline <= 1) {
          --remaining;
          // Built outside the co_await: GCC 12 double-destroys a conditional's temporaries there.
          Command cmd = set ? Command("SET", key, kValue) : Command("GET", key);
          auto r = co_await client.exec(std::move(cmd));
          if (!r || !reply_ok(*r, set)) ++errors;
        } else {
          int n = std::min(args.pipeline, remaining);
          remaining -= n;
          std::vector<Command> cmds;
          cmds.reserve(n);
          for (int i = 0; i < n; ++i) cmds.push_back(set ? Command("SET", key, kValue) : Command("GET", key));
          auto r = co_await client.exec_pipeline(std::move(cmds));
          if (!r || static_cast<int>(r->size()) != n) {
            errors += n;
          } else {
            for (const auto& one : *r) {
              if (!reply_ok(one, set)) ++errors;
            }
          }
        }
      }
      --active;
    }, asio::detached);
  }
  io.restart();
  while (active > 0) io.run_one();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return args.requests / secs;
}

bool parse(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--url") args.url = argv[i + 1];
    else if (k == "--clients") args.clients = std::atoi(argv[i + 1]);
    else if (k == "--requests") args.requests = std::atoi(argv[i + 1]);
    else if (k == "--pipeline") args.pipeline = std::atoi(argv[i + 1]);
    else if (k == "--pool") args.pool = std::atoi(argv[i + 1]);
    else if (k == "--connections" && std::strcmp(argv[i + 1], "shared") == 0) args.per_caller = false;
    else if (k == "--connections" && std::strcmp(argv[i + 1], "per-caller") == 0) args.per_caller = true;
    else {
      std::fprintf(stderr, "unknown option %s %s\n", argv[i], argv[i + 1]);
      return false;
    }
  }
  return args.clients > 0 && args.requests > 0 && args.pipeline > 0 && args.pool > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) return 2;
  asio::io_context io(1);
  std::vector<std::unique_ptr<Client>> clients;
  const int n_clients = args.per_caller ? args.clients : 1;
  const auto pool = static_cast<std::size_t>(args.per_caller ? 1 : args.pool);
  ragcache::redis::ClientOptions options;
  options.url = args.url;
  options.pool_size = pool;
  options.connection.command_timeout = std::chrono::seconds(10);
  for (int i = 0; i < n_clients; ++i) {
    auto client = Client::create(io.get_executor(), options);
    if (!client) {
      std::fprintf(stderr, "%s\n", client.error().message().c_str());
      return 1;
    }
    clients.push_back(std::move(*client));
  }
  // Warm up: connect and write the keys the GET run reads.
  long errors = 0;
  Args warm = args;
  warm.requests = std::max(5000, args.clients * args.pipeline);
  run(clients, io, warm, true, errors);
  const double set_ops = run(clients, io, args, true, errors);
  const double get_ops = run(clients, io, args, false, errors);
  if (errors) {
    std::fprintf(stderr, "FAILED: %ld commands failed or returned a wrong reply\n", errors);
    return 1;
  }
  std::printf("\"SET\",\"%.2f\"\n\"GET\",\"%.2f\"\n", set_ops, get_ops);
  return 0;
}
