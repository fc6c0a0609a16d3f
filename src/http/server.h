// The HTTP/1.1 server every face of ragcache listens with (gateway, native API, mock-llm).
//
// Threading: ONE io_context run by N threads (IoThreads), one acceptor, and one strand per
// connection. Chosen over an io_context per thread with SO_REUSEPORT because (1) the kernel's
// SO_REUSEPORT hashing balances connections, not work: a few long-lived streaming connections can
// pile on one thread while others idle, whereas a shared context hands every ready handler to
// any free thread; (2) the gateway's shared clients (Redis pool, upstream pool, index) live on
// the same context, so a handler awaiting them needs no cross-context hops; (3) one acceptor makes
// graceful shutdown one close. The strand keeps everything of one connection serial, so a
// connection's code needs no locks; the price (a strand dispatch per operation) is measured in
// bench/http.
//
// Per connection: keep-alive, a header size limit (431), a body limit (413, checked against
// Content-Length before reading, and while reading chunked bodies), read / write / idle timeouts,
// malformed requests answered 400 then closed. Errors are OpenAI-shaped JSON. Handler exceptions
// become 500s, never crashes.
//
// Shutdown: stop(deadline) closes the acceptor, closes idle keep-alive connections, lets
// requests in flight finish (their responses carry Connection: close), and once the deadline
// passes cancels what is left. It completes when every connection is gone.
//
// Lifetime: connections share the server's state by shared_ptr, so destroying the Server while
// the io_context still holds connections is safe; call stop() first for a clean exit. The
// Router and whatever its handlers capture must outlive the io_context's run.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/error.h"
#include "http/router.h"

namespace ragcache::http {

class MetricsRegistry;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port (see Server::port())
  std::size_t body_limit = 10 * 1024 * 1024;
  // The body limit of routes that stream their body (Router::fallback with stream_body): read
  // piece by piece by the handler, so a large upload costs no memory of its size.
  std::size_t streamed_body_limit = std::size_t(1) << 30;
  std::size_t header_limit = 16 * 1024;
  // Reading a request: its header (for the first request of a connection, counted from accept)
  // and then, separately, its body.
  std::chrono::milliseconds read_timeout{30'000};
  // Each write of a response (for streams: each chunk).
  std::chrono::milliseconds write_timeout{30'000};
  // A keep-alive connection waiting for its next request is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  int backlog = 1024;
  // Client connections at once (0: no limit). One more is answered 503 and closed at once, so a
  // flood of idle connections cannot exhaust descriptors or memory.
  std::size_t max_connections = 0;
  // Optional: request counters and duration histogram (ragcache_http_*). Must outlive the server.
  MetricsRegistry* metrics = nullptr;
};

class Server {
 public:
  // The router is copied into the server's shared state; add all routes before constructing.
  Server(boost::asio::io_context& ctx, ServerOptions options, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (SO_REUSEADDR). Errors: bad address, port in use.
  Result<void> listen();
  // The bound port (after listen()).
  std::uint16_t port() const;
  // Starts accepting (after listen()). Returns at once; connections run on the io_context.
  void start();

  // Graceful shutdown, see the top of this file. Safe to call from any coroutine on any
  // executor, once; completes when all connections are closed (at the latest shortly after
  // the deadline). Cancelling the awaiting coroutine leaves the shutdown running.
  boost::asio::awaitable<void> stop(std::chrono::milliseconds deadline);

  std::size_t active_connections() const;
  std::uint64_t requests_served() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ragcache::http
