// Throughput of session windows (SessionStore) with C concurrent callers, each waiting for its
// reply before the next call. Prints one CSV line per mode: "name,ops_per_sec".
//
//   turn:   a chat turn = append the user message, append the answer, read the window
//           (3 round trips); each caller runs conversations of --turns-per-session turns, so with
//           the default 10 turns the window (20 messages) holds the whole conversation, as the
//           peer's unbounded list does: both return the same messages.
//   turn2:  the same turn as the gateway does it: read the window, then append the user message
//           and the answer in one call (2 round trips).
//   turnc:  the same turn with append_and_read: append the user message, then append the answer
//           and get the window back in the same transaction (2 round trips).
//   append: one message appended (one round trip: the append script) per call, on the caller's
//           own session, the window full and trimming after the first 20.
//
//   session_bench --url redis://127.0.0.1:6379 --clients 50 --turns 50000 --appends 200000
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "domain/session/session_store.h"

namespace asio = boost::asio;
using namespace ragcache;

namespace {

struct Args {
  std::string url = "redis://127.0.0.1:6379";
  int clients = 50;
  int turns = 50000;
  int appends = 200000;
  int turns_per_session = 10;
  int pool = 2;
  int group_batch = 0;      // SessionOptions::group_commit_max_batch (0 = no group commit, the default)
  int group_in_flight = 2;  // SessionOptions::group_commit_in_flight
  std::string mode = "all";  // turn | turn2 | append | all
};

// Typical sizes: a question of ~150 bytes, an answer of ~700 bytes.
const std::string kQuestion =
    "How do I configure the retention period for the audit logs in the enterprise plan, and does it "
    "apply to logs already stored?";
const std::string kAnswer = std::string(
    "You can set the retention period under Settings > Compliance > Audit logs. The new period applies "
    "to logs written from now on; logs already stored keep the retention they were written with, unless "
    "you run the re-tagging job, which rewrites their expiry. ") + std::string(450, 'x');

session::Message make(const char* role, const std::string& content) {
  session::Message m;
  m.role = role;
  m.content = content;
  return m;
}

std::vector<session::Message> one(session::Message m) {
  std::vector<session::Message> v;
  v.push_back(std::move(m));
  return v;
}

// The window after a turn: the answer just appended is its last message.
bool ends_with_answer(const std::vector<session::Message>& messages) {
  return !messages.empty() && messages.back().role == "assistant" && messages.back().content == kAnswer;
}

// Failed or wrong operations of every run: main exits non-zero when any (run.sh then fails).
int g_errors = 0;

template <class Body>
double run(asio::io_context& io, int clients, int total, Body body) {
  int remaining = total;
  int active = clients;
  int errors = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    asio::co_spawn(io, [&, c]() -> asio::awaitable<void> {
      int k = 0;
      while (remaining > 0) {
        --remaining;
        if (!co_await body(c, k++)) ++errors;
      }
      --active;
    }, asio::detached);
  }
  io.restart();
  while (active > 0) io.run_one();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (errors) std::fprintf(stderr, "%d failed or wrong operations\n", errors);
  g_errors += errors;
  return total / secs;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--url") args.url = argv[i + 1];
    else if (k == "--clients") args.clients = std::atoi(argv[i + 1]);
    else if (k == "--turns") args.turns = std::atoi(argv[i + 1]);
    else if (k == "--appends") args.appends = std::atoi(argv[i + 1]);
    else if (k == "--turns-per-session") args.turns_per_session = std::atoi(argv[i + 1]);
    else if (k == "--pool") args.pool = std::atoi(argv[i + 1]);
    else if (k == "--mode") args.mode = argv[i + 1];
    else if (k == "--group-batch") args.group_batch = std::atoi(argv[i + 1]);
    else if (k == "--group-in-flight") args.group_in_flight = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  asio::io_context io;
  redis::ClientOptions options;
  options.url = args.url;
  options.pool_size = static_cast<std::size_t>(args.pool);
  options.connection.command_timeout = std::chrono::seconds(10);
  auto client = redis::Client::create(io.get_executor(), options);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message().c_str());
    return 1;
  }
  session::SessionOptions session_options;
  session_options.group_commit_max_batch = static_cast<std::size_t>(args.group_batch);
  session_options.group_commit_in_flight = static_cast<std::size_t>(args.group_in_flight);
  session::SessionStore store(**client, session_options);
  const std::string run_id = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());

  if (args.mode == "turn" || args.mode == "all") {
    const double tps = run(io, args.clients, args.turns, [&](int c, int k) -> asio::awaitable<bool> {
      const auto sid = "bench-" + run_id + "-" + std::to_string(c) + "-" + std::to_string(k / args.turns_per_session);
      auto a = co_await store.append(sid, one(make("user", kQuestion)));
      auto b = co_await store.append(sid, one(make("assistant", kAnswer)));
      auto w = co_await store.read(sid);
      co_return a && b && w && ends_with_answer(w->messages);
    });
    std::printf("turn,%.0f\n", tps);
  }
  if (args.mode == "turnc" || args.mode == "all") {
    const double tps = run(io, args.clients, args.turns, [&](int c, int k) -> asio::awaitable<bool> {
      const auto sid = "benchc-" + run_id + "-" + std::to_string(c) + "-" + std::to_string(k / args.turns_per_session);
      auto a = co_await store.append(sid, one(make("user", kQuestion)));
      auto b = co_await store.append_and_read(sid, one(make("assistant", kAnswer)));
      co_return a && b && ends_with_answer(b->window.messages);
    });
    std::printf("turnc,%.0f\n", tps);
  }
  if (args.mode == "turn2" || args.mode == "all") {
    const double tps = run(io, args.clients, args.turns, [&](int c, int k) -> asio::awaitable<bool> {
      const auto sid = "bench2-" + run_id + "-" + std::to_string(c) + "-" + std::to_string(k / args.turns_per_session);
      auto w = co_await store.read(sid);
      std::vector<session::Message> turn;
      turn.push_back(make("user", kQuestion));
      turn.push_back(make("assistant", kAnswer));
      auto a = co_await store.append(sid, std::move(turn));
      // The window read before this turn's append ends with the previous turn's answer (if any).
      co_return a && w && (k % args.turns_per_session == 0 || ends_with_answer(w->messages));
    });
    std::printf("turn2,%.0f\n", tps);
  }
  if (args.mode == "append" || args.mode == "all") {
    const double aps = run(io, args.clients, args.appends, [&](int c, int) -> asio::awaitable<bool> {
      const auto sid = "bench-append-" + run_id + "-" + std::to_string(c);
      auto a = co_await store.append(sid, one(make("user", kQuestion)));
      co_return a.has_value();
    });
    std::printf("append,%.0f\n", aps);
  }
  if (g_errors) {
    std::fprintf(stderr, "FAILED: %d operations failed or returned a wrong window\n", g_errors);
    return 1;
  }
  return 0;
}
