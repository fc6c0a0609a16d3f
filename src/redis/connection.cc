#include "redis/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <variant>

#include "base/random.h"
#include "redis/errors.h"
#include "redis/reader.h"

namespace ragcache::redis {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using Replies = Result<std::vector<Reply>>;

// The caller's completion handler, type-erased. (Boost 1.81's any_completion_handler recurses
// into itself when moved into another one, so we keep our own.)
struct HandlerBase {
  virtual ~HandlerBase() = default;
  virtual void invoke(Replies result) = 0;
};
template <class H>
struct HandlerOf final : HandlerBase {
  explicit HandlerOf(H h) : handler(std::move(h)) {}
  void invoke(Replies result) override { std::move(handler)(std::move(result)); }
  H handler;
};
using Handler = std::unique_ptr<HandlerBase>;

namespace {

using TcpSocket = asio::ip::tcp::socket;
using TlsStream = asio::ssl::stream<TcpSocket>;
using UnixSocket = asio::local::stream_protocol::socket;

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxBatch = 512;  // commands per write

struct Request {
  std::string payload;
  std::size_t expected = 1;
  std::vector<Reply> replies;
  Clock::time_point deadline;
  Handler handler;
  asio::any_io_executor caller;  // where the handler must run
};

// Hands the result to the caller on the caller's own executor, never inline: the caller may
// start new commands or drop the last reference to the connection from its continuation.
void deliver(const asio::any_io_executor& caller, Handler handler, Replies result) {
  asio::post(caller, [h = std::move(handler), r = std::move(result)]() mutable { h->invoke(std::move(r)); });
}

}  // namespace

struct Connection::Impl {
  asio::strand<asio::any_io_executor> strand;
  Endpoint endpoint;
  ConnectionOptions options;
  std::optional<asio::ssl::context> tls_context;

  std::variant<std::monostate, TcpSocket, std::unique_ptr<TlsStream>, UnixSocket> stream;
  ReplyReader reader;
  std::vector<char> read_buffer = std::vector<char>(kReadChunk);

  std::deque<std::unique_ptr<Request>> queued;     // not written yet
  std::deque<std::unique_ptr<Request>> in_flight;  // written, waiting for replies in order
  asio::steady_timer writer_wakeup;
  asio::steady_timer watchdog;
  bool closing = false;
  bool stuck = false;  // set by the watchdog when the oldest in-flight command expired

  Impl(asio::any_io_executor ex, Endpoint ep, ConnectionOptions opts)
      : strand(asio::make_strand(ex)),
        endpoint(std::move(ep)),
        options(std::move(opts)),
        writer_wakeup(strand),
        watchdog(strand) {
    if (endpoint.transport == Endpoint::Transport::tls) {
      tls_context.emplace(asio::ssl::context::tls_client);
      if (options.tls_verify) {
        tls_context->set_verify_mode(asio::ssl::verify_peer);
        if (options.tls_ca_file.empty()) {
          tls_context->set_default_verify_paths();
        } else {
          boost::system::error_code ec;
          tls_context->load_verify_file(options.tls_ca_file, ec);
        }
      } else {
        tls_context->set_verify_mode(asio::ssl::verify_none);
      }
    }
  }

  // ---- byte stream over whichever transport the endpoint uses ----

  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some() {
    auto buf = asio::buffer(read_buffer);
    if (auto* s = std::get_if<TcpSocket>(&stream)) co_return co_await s->async_read_some(buf, kUse);
    if (auto* s = std::get_if<UnixSocket>(&stream)) co_return co_await s->async_read_some(buf, kUse);
    if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&stream)) co_return co_await (*s)->async_read_some(buf, kUse);
    co_return std::tuple(boost::system::error_code(asio::error::not_connected), std::size_t{0});
  }

  template <class Buffers>
  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_all(const Buffers& bufs) {
    if (auto* s = std::get_if<TcpSocket>(&stream)) co_return co_await asio::async_write(*s, bufs, kUse);
    if (auto* s = std::get_if<UnixSocket>(&stream)) co_return co_await asio::async_write(*s, bufs, kUse);
    if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&stream)) co_return co_await asio::async_write(**s, bufs, kUse);
    co_return std::tuple(boost::system::error_code(asio::error::not_connected), std::size_t{0});
  }

  void close_stream() {
    boost::system::error_code ec;
    if (auto* s = std::get_if<TcpSocket>(&stream)) s->close(ec);
    if (auto* s = std::get_if<UnixSocket>(&stream)) s->close(ec);
    if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&stream)) (*s)->lowest_layer().close(ec);
  }

  // ---- connecting ----

  asio::awaitable<Result<void>> open_transport() {
    if (endpoint.transport == Endpoint::Transport::unix_socket) {
      auto& s = stream.emplace<UnixSocket>(strand);
      auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(endpoint.path), kUse);
      if (ec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + ec.message());
      co_return Result<void>();
    }
    asio::ip::tcp::resolver resolver(strand);
    auto [rec, results] = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), kUse);
    if (rec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + rec.message());
    TcpSocket socket(strand);
    auto [cec, ep] = co_await asio::async_connect(socket, results, kUse);
    if (cec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + cec.message());
    socket.set_option(asio::ip::tcp::no_delay(true));
    if (endpoint.transport == Endpoint::Transport::tcp) {
      stream.emplace<TcpSocket>(std::move(socket));
      co_return Result<void>();
    }
    auto tls = std::make_unique<TlsStream>(std::move(socket), *tls_context);
    SSL_set_tlsext_host_name(tls->native_handle(), endpoint.host.c_str());
    if (options.tls_verify) tls->set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
    auto& ref = *tls;
    stream.emplace<std::unique_ptr<TlsStream>>(std::move(tls));
    auto [hec] = co_await ref.async_handshake(asio::ssl::stream_base::client, kUse);
    if (hec) co_return Error(Errc::tls_error, endpoint.describe() + ": " + hec.message());
    co_return Result<void>();
  }

  // AUTH, SELECT and CLIENT SETNAME, pipelined, before any caller's command.
  asio::awaitable<Result<void>> handshake() {
    std::string payload;
    std::vector<std::string> what;
    if (!endpoint.password.empty()) {
      (endpoint.user.empty() ? Command("AUTH", endpoint.password) : Command("AUTH", endpoint.user, endpoint.password))
          .append_to(payload);
      what.push_back("AUTH");
    }
    if (endpoint.db != 0) {
      Command("SELECT", endpoint.db).append_to(payload);
      what.push_back("SELECT");
    }
    // Always at least one command: its answer proves the server is alive, not just accepting.
    if (!options.client_name.empty()) {
      Command("CLIENT", "SETNAME", options.client_name).append_to(payload);
      what.push_back("CLIENT SETNAME");
    } else {
      Command("PING").append_to(payload);
      what.push_back("PING");
    }
    auto [wec, wn] = co_await write_all(asio::buffer(payload));
    if (wec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + wec.message());
    std::size_t got = 0;
    while (got < what.size()) {
      auto [ec, n] = co_await read_some();
      if (ec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + ec.message());
      if (auto fed = reader.feed({read_buffer.data(), n}); !fed) co_return fed.error();
      for (;;) {
        auto next = reader.next();
        if (!next) co_return next.error();
        if (!*next) break;
        const Reply& reply = **next;
        if (reply.is_error()) {
          auto code = what[got] == "AUTH" || reply.str.starts_with("NOAUTH") || reply.str.starts_with("WRONGPASS")
                          ? Errc::auth_failed
                          : Errc::server_error;
          co_return Error(code, what[got] + ": " + reply.str);
        }
        ++got;
      }
    }
    co_return Result<void>();
  }

  asio::awaitable<Result<void>> connect_once() {
    reader.reset();
    stream.emplace<std::monostate>();
    asio::steady_timer timer(strand);
    timer.expires_after(options.connect_timeout);
    auto outcome = co_await ([this]() -> asio::awaitable<Result<void>> {
      auto opened = co_await open_transport();
      if (!opened) co_return opened;
      co_return co_await handshake();
    }() || timer.async_wait(asio::use_awaitable));
    if (outcome.index() == 1) {
      close_stream();
      co_return Error(Errc::not_connected, endpoint.describe() + ": connect timed out");
    }
    auto result = std::get<0>(std::move(outcome));
    if (!result) close_stream();
    co_return result;
  }

  // ---- completing requests (all on the strand) ----

  void complete(Connection& self, std::unique_ptr<Request> req, Replies result) {
    self.load_.fetch_sub(1, std::memory_order_relaxed);
    deliver(req->caller, std::move(req->handler), std::move(result));
  }

  void fail_in_flight(Connection& self, const Error& error) {
    while (!in_flight.empty()) {
      auto req = std::move(in_flight.front());
      in_flight.pop_front();
      complete(self, std::move(req), error);
    }
  }

  void fail_queued(Connection& self, const Error& error) {
    while (!queued.empty()) {
      auto req = std::move(queued.front());
      queued.pop_front();
      complete(self, std::move(req), error);
    }
  }

  void enqueue(Connection& self, std::unique_ptr<Request> req) {
    if (closing) {
      complete(self, std::move(req), Error(Errc::closed));
      return;
    }
    queued.push_back(std::move(req));
    writer_wakeup.cancel();
  }

  // ---- the loops ----

  asio::awaitable<void> reader_loop(std::shared_ptr<Connection> self) {
    for (;;) {
      auto [ec, n] = co_await read_some();
      if (ec) co_return;
      if (auto fed = reader.feed({read_buffer.data(), n}); !fed) co_return;
      for (;;) {
        auto next = reader.next();
        if (!next) {
          close_stream();
          co_return;
        }
        if (!*next) break;
        if (in_flight.empty()) {  // a reply nobody asked for: the stream is out of step
          close_stream();
          co_return;
        }
        auto& front = in_flight.front();
        front->replies.push_back(std::move(**next));
        if (front->replies.size() == front->expected) {
          auto req = std::move(front);
          in_flight.pop_front();
          auto replies = std::move(req->replies);
          complete(*self, std::move(req), std::move(replies));
        }
      }
    }
  }

  asio::awaitable<void> writer_loop(std::shared_ptr<Connection> self) {
    std::vector<asio::const_buffer> buffers;
    for (;;) {
      while (queued.empty()) {
        writer_wakeup.expires_at(Clock::time_point::max());
        co_await writer_wakeup.async_wait(kUse);
        if (closing) co_return;
      }
      buffers.clear();
      // Everything queued goes out in one write: this is where concurrent callers get pipelined.
      while (!queued.empty() && buffers.size() < kMaxBatch) {
        buffers.push_back(asio::buffer(queued.front()->payload));
        in_flight.push_back(std::move(queued.front()));
        queued.pop_front();
      }
      auto [ec, n] = co_await write_all(buffers);
      if (ec) co_return;
    }
  }

  // Expires queued commands and detects a stuck server, on a short tick.
  asio::awaitable<void> watchdog_loop(std::shared_ptr<Connection> self) {
    const auto tick = std::clamp(options.command_timeout / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
    while (!closing) {
      watchdog.expires_after(tick);
      co_await watchdog.async_wait(kUse);
      if (closing) break;
      const auto now = Clock::now();
      if (!in_flight.empty() && in_flight.front()->deadline <= now && !stuck) {
        stuck = true;
        close_stream();  // the reader and writer end; run() fails what is in flight
      }
      for (auto it = queued.begin(); it != queued.end();) {
        if ((*it)->deadline <= now) {
          auto req = std::move(*it);
          it = queued.erase(it);
          complete(*self, std::move(req), Error(Errc::timeout, "waiting for a connection to " + endpoint.describe()));
        } else {
          ++it;
        }
      }
    }
  }

  asio::awaitable<void> run(std::shared_ptr<Connection> self) {
    int failures = 0;
    while (!closing) {
      auto connected = co_await connect_once();
      if (closing) break;
      if (connected) {
        failures = 0;
        stuck = false;
        self->state_.store(State::ready);
        co_await (reader_loop(self) || writer_loop(self));
        close_stream();
        if (closing) break;
        self->state_.store(State::down);
        fail_in_flight(*self, stuck ? Error(Errc::timeout, endpoint.describe() + ": no reply within the command timeout")
                                    : Error(Errc::connection_lost, endpoint.describe()));
        // Reconnect at once after a working connection broke; back off only on repeated failures.
        continue;
      }
      self->state_.store(State::down);
      // Waiting would not help: tell the queued callers now (they can bypass the cache), and
      // keep retrying in the background.
      fail_queued(*self, connected.error());
      last_error = connected.error();
      ++failures;
      auto cap = options.reconnect_max.count();
      auto base = std::min<long long>(cap, options.reconnect_min.count() << std::min(failures, 20));
      auto delay = std::chrono::milliseconds(random_between(static_cast<std::uint64_t>(base / 2), static_cast<std::uint64_t>(base)));
      asio::steady_timer backoff(strand);
      backoff.expires_after(delay);
      co_await backoff.async_wait(kUse);
    }
    self->state_.store(State::closed);
    close_stream();
    fail_in_flight(*self, Error(Errc::closed));
    fail_queued(*self, Error(Errc::closed));
    watchdog.cancel();
  }

  Error last_error{Errc::not_connected};
};

// ---- Connection ----

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

const Endpoint& Connection::endpoint() const { return impl_->endpoint; }

std::shared_ptr<Connection> Connection::create(asio::any_io_executor ex, Endpoint endpoint, ConnectionOptions options) {
  auto conn = std::shared_ptr<Connection>(
      new Connection(std::make_unique<Impl>(std::move(ex), std::move(endpoint), std::move(options))));
  asio::co_spawn(conn->impl_->strand, conn->impl_->run(conn), asio::detached);
  asio::co_spawn(conn->impl_->strand, conn->impl_->watchdog_loop(conn), asio::detached);
  return conn;
}

void Connection::close() {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self] {
    auto& impl = *self->impl_;
    impl.closing = true;
    impl.writer_wakeup.cancel();
    impl.watchdog.cancel();
    impl.close_stream();
    // Until run() has finished, commands may still be queued: fail them now rather than later.
    impl.fail_queued(*self, Error(Errc::closed));
  });
}

asio::awaitable<Replies> Connection::send(std::string payload, std::size_t replies, Timeout timeout) {
  auto self = shared_from_this();
  auto caller = co_await asio::this_coro::executor;
  // A named initiation object, not a temporary inside the co_await expression: GCC 12 destroys
  // such temporaries twice.
  auto initiation = [self, caller, payload = std::move(payload), replies, timeout](auto raw_handler) mutable {
    Handler handler = std::make_unique<HandlerOf<decltype(raw_handler)>>(std::move(raw_handler));
    auto state = self->state_.load(std::memory_order_relaxed);
    if (state == State::closed) return deliver(caller, std::move(handler), Error(Errc::closed));
    if (state == State::down) {
      return deliver(caller, std::move(handler), Error(Errc::not_connected, self->impl_->endpoint.describe()));
    }
    if (self->load_.fetch_add(1, std::memory_order_relaxed) >= self->impl_->options.max_pending) {
      self->load_.fetch_sub(1, std::memory_order_relaxed);
      return deliver(caller, std::move(handler), Error(Errc::queue_full, self->impl_->endpoint.describe()));
    }
    auto req = std::make_unique<Request>();
    req->payload = std::move(payload);
    req->expected = replies;
    req->deadline = Clock::now() + timeout.value_or(self->impl_->options.command_timeout);
    req->handler = std::move(handler);
    req->caller = caller;
    asio::post(self->impl_->strand, [self, req = std::move(req)]() mutable {
      self->impl_->enqueue(*self, std::move(req));
    });
  };
  Replies result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Replies)>(
      std::move(initiation), asio::use_awaitable);
  co_return result;
}

asio::awaitable<Result<Reply>> Connection::exec(Command cmd, Timeout timeout) {
  auto replies = co_await send(cmd.encoded(), 1, timeout);
  if (!replies) co_return replies.error();
  Reply& reply = replies->front();
  if (reply.is_error()) co_return Error(Errc::server_error, std::move(reply.str));
  co_return std::move(reply);
}

asio::awaitable<Replies> Connection::exec_pipeline(std::vector<Command> cmds, Timeout timeout) {
  if (cmds.empty()) co_return std::vector<Reply>();
  std::string payload;
  for (const auto& c : cmds) c.append_to(payload);
  co_return co_await send(std::move(payload), cmds.size(), timeout);
}

}  // namespace ragcache::redis
