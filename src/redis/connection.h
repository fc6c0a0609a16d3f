// One Redis connection that carries many concurrent commands.
//
// Callers on any thread call exec(); the command's bytes are queued on the connection's strand,
// and a writer coroutine sends everything queued in one write (automatic pipelining). Redis
// answers in order, so the reader coroutine hands each reply to the oldest command in flight.
//
// Failure model:
// - The oldest command in flight passing its deadline means the server is stuck (e.g. SIGSTOP):
//   the connection is dropped; every command in flight fails with Errc::timeout (outcome unknown).
// - A broken socket fails every command in flight with Errc::connection_lost (outcome unknown).
// - Commands queued but not yet written are kept across a reconnect until their deadline.
// - While the connection is down (a connect attempt failed), new commands fail at once with
//   Errc::not_connected, so callers can fall back quickly (the cache is bypassed, say).
// - It reconnects by itself with capped exponential backoff; new commands succeed once it is up.
// - Past ConnectionOptions::max_pending queued + in-flight commands, exec fails at once with
//   Errc::queue_full: memory stays bounded whatever the load.
//
// Lifetime: owned by shared_ptr; its coroutines hold a reference while they run. close() stops
// it: pending commands fail with Errc::closed and it does not reconnect.
// Cancellation: exec is not cancellable once called; it always completes by its deadline.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "base/error.h"
#include "redis/command.h"
#include "redis/endpoint.h"
#include "redis/options.h"
#include "redis/reply.h"

namespace ragcache::redis {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Timeout = std::optional<std::chrono::milliseconds>;

  // Starts connecting at once on a strand of ex.
  static std::shared_ptr<Connection> create(boost::asio::any_io_executor ex, Endpoint endpoint,
                                            ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one command; a Redis error reply comes back as Errc::server_error with its text.
  // timeout overrides ConnectionOptions::command_timeout (blocking commands need more).
  boost::asio::awaitable<Result<Reply>> exec(Command cmd, Timeout timeout = {});

  // Sends the commands back to back and returns one reply per command, in order. Error replies
  // stay in the vector as Reply::Kind::error (one failing command does not hide the others);
  // the Result fails only when the pipeline as a whole did (timeout, connection lost, ...).
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> cmds, Timeout timeout = {});

  // Fails everything pending with Errc::closed and stops reconnecting. Safe from any thread.
  void close();

  bool ready() const { return state_.load(std::memory_order_relaxed) == State::ready; }
  bool down() const { return state_.load(std::memory_order_relaxed) == State::down; }
  // Commands queued or in flight (what the pool balances on).
  std::size_t load() const { return load_.load(std::memory_order_relaxed); }
  const Endpoint& endpoint() const;

  struct Impl;

 private:
  enum class State { connecting, ready, down, closed };
  explicit Connection(std::unique_ptr<Impl> impl);
  boost::asio::awaitable<Result<std::vector<Reply>>> send(std::string payload, std::size_t replies, Timeout timeout);

  std::unique_ptr<Impl> impl_;
  std::atomic<State> state_{State::connecting};
  std::atomic<std::size_t> load_{0};
  friend struct Impl;
};

}  // namespace ragcache::redis
