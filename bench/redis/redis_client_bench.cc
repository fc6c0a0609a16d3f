// Throughput of the ragcache Redis client: C concurrent callers doing GET or SET, each waiting
// for its reply before the next (like redis-benchmark -c C), or each sending pipelines of P
// commands (like redis-benchmark -P P). Prints one CSV line per test: "name,ops_per_sec".
//
//   redis_client_bench --url redis://127.0.0.1:6379 --clients 50 --requests 200000 [--pipeline 16]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "redis/client.h"

namespace asio = boost::asio;
using ragcache::redis::Client;
using ragcache::redis::Command;

namespace {

struct Args {
  std::string url = "redis://127.0.0.1:6379";
  int clients = 50;
  int requests = 200000;
  int pipeline = 1;
  int pool = 1;
};

double run(Client& client, asio::io_context& io, const Args& args, bool set) {
  const std::string value(3, 'x');  // redis-benchmark's default payload is 3 bytes
  int remaining = args.requests;
  int active = args.clients;
  int errors = 0;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < args.clients; ++c) {
    asio::co_spawn(io, [&, c]() -> asio::awaitable<void> {
      const std::string key = "key:__rand_int__" + std::to_string(c);
      while (remaining > 0) {
        if (args.pipeline <= 1) {
          --remaining;
          // Built outside the co_await: GCC 12 double-destroys a conditional's temporaries there.
          Command cmd = set ? Command("SET", key, value) : Command("GET", key);
          auto r = co_await client.exec(std::move(cmd));
          if (!r) ++errors;
        } else {
          int n = std::min(args.pipeline, remaining);
          remaining -= n;
          std::vector<Command> cmds;
          cmds.reserve(n);
          for (int i = 0; i < n; ++i) cmds.push_back(set ? Command("SET", key, value) : Command("GET", key));
          auto r = co_await client.exec_pipeline(std::move(cmds));
          if (!r) ++errors;
        }
      }
      --active;
    }, asio::detached);
  }
  io.restart();
  while (active > 0) io.run_one();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (errors) std::fprintf(stderr, "%d errors\n", errors);
  return args.requests / secs;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--url") args.url = argv[i + 1];
    else if (k == "--clients") args.clients = std::atoi(argv[i + 1]);
    else if (k == "--requests") args.requests = std::atoi(argv[i + 1]);
    else if (k == "--pipeline") args.pipeline = std::atoi(argv[i + 1]);
    else if (k == "--pool") args.pool = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  asio::io_context io(1);
  auto client = Client::create(io.get_executor(), {.url = args.url, .pool_size = static_cast<std::size_t>(args.pool),
                                                    .connection = {.command_timeout = std::chrono::seconds(10)}});
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message().c_str());
    return 1;
  }
  // Warm up: connect and touch the keys.
  run(**client, io, {.url = args.url, .clients = args.clients, .requests = 5000, .pipeline = args.pipeline}, true);
  std::printf("\"SET\",\"%.2f\"\n", run(**client, io, args, true));
  std::printf("\"GET\",\"%.2f\"\n", run(**client, io, args, false));
  return 0;
}
