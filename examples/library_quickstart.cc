// ragcache as a C++20 library: a session window and a fenced lock on your own Redis.
// Shown in README.md ("Library"); built with the project so it always compiles.
// Run: ./library_quickstart [redis://127.0.0.1:6379]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>

#include "domain/cache/lock_manager.h"
#include "domain/session/session_store.h"
#include "redis/client.h"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace ragcache;

asio::awaitable<int> quickstart(redis::Client& redis) {
  // Sessions: an atomic sliding window (message count and token budget) per session id.
  session::SessionOptions limits;
  limits.max_messages = 20;
  limits.max_tokens = 4000;
  session::SessionStore sessions(redis, limits);
  std::vector<session::Message> turn(2);
  turn[0].role = "user";
  turn[0].content = "What is Redis?";
  turn[1].role = "assistant";
  turn[1].content = "An in-memory data store.";
  auto appended = co_await sessions.append("demo-session", std::move(turn));
  if (appended.has_error()) {
    std::fprintf(stderr, "append: %s\n", appended.error().message().c_str());
    co_return 1;
  }
  auto window = co_await sessions.read("demo-session");
  if (window.has_error()) co_return 1;
  std::printf("session: %zu messages, %zu tokens\n", window->messages.size(), window->token_total);

  // Locks: owner-checked, with a fencing number that grows with every grant.
  cache::LockManager locks(redis);
  auto grant = co_await locks.acquire("ingest:handbook", 30s, 5s);
  if (grant.has_error()) {
    std::fprintf(stderr, "lock: %s\n", grant.error().message().c_str());
    co_return 1;
  }
  std::printf("lock held, fence %llu\n", static_cast<unsigned long long>(grant->fence()));
  auto released = co_await locks.release(*grant);
  co_return released.has_error() ? 1 : 0;
}

int main(int argc, char** argv) {
  asio::io_context io;
  redis::ClientOptions options;
  options.url = argc > 1 ? argv[1] : "redis://127.0.0.1:6379";
  auto redis = redis::Client::create(io.get_executor(), options);
  if (redis.has_error()) {
    std::fprintf(stderr, "bad Redis URL: %s\n", redis.error().message().c_str());
    return 2;
  }
  int rc = 1;
  asio::co_spawn(io, quickstart(**redis), [&](std::exception_ptr e, int r) {
    rc = e ? 1 : r;
    io.stop();  // the client keeps reconnect timers on the loop: stop it when the work is done
  });
  io.run();
  return rc;
}
