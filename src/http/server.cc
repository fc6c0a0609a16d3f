#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/read.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "http/api_error.h"
#include "http/errors.h"
#include "http/metrics.h"

namespace ragcache::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;
constexpr std::chrono::milliseconds kDrainTime{1000};
constexpr std::size_t kReadBufferBytes = 8 * 1024;
constexpr std::chrono::milliseconds kGraceAfterDeadline{1000};

// One accepted connection, as the shutdown logic sees it. All fields but `strand` are touched
// only on that strand.
struct Conn {
  explicit Conn(Strand s) : strand(std::move(s)) {}
  Strand strand;
  beast::tcp_stream* stream = nullptr;  // set while the session runs
  bool busy = false;                    // a request is being read or handled
  asio::cancellation_signal cancel;     // forced shutdown: cancels whatever the session awaits
};

std::string_view path_of(boost::core::string_view target) {
  std::string_view t(target.data(), target.size());
  return t.substr(0, t.find('?'));
}

bool is_http_parse_error(const boost::system::error_code& ec) {
  return ec.category() == make_error_code(beast::http::error::bad_target).category() && ec != beast::http::error::end_of_stream &&
         ec != beast::http::error::partial_message;
}

}  // namespace

struct Server::State {
  State(asio::io_context& c, ServerOptions o, Router r)
      : ctx(c), opts(std::move(o)), router(std::move(r)), acceptor(asio::make_strand(c)) {}

  asio::io_context& ctx;
  ServerOptions opts;
  Router router;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<bool> accepting{false};
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> served{0};

  std::mutex mu;
  std::unordered_map<std::uint64_t, std::shared_ptr<Conn>> conns;
  std::uint64_t next_id = 0;

  CounterFamily* requests_metric = nullptr;
  Counter* ok_requests_metric = nullptr;  // requests_metric's code="200" child, the common one
  Histogram* duration_metric = nullptr;
  Gauge* open_metric = nullptr;

  std::vector<std::shared_ptr<Conn>> snapshot() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<Conn>> out;
    out.reserve(conns.size());
    for (auto& [id, c] : conns) out.push_back(c);
    return out;
  }
};

namespace {

using StatePtr = std::shared_ptr<Server::State>;

// Answers an error and closes the connection. The close "lingers": we stop sending, then read
// and discard what the client still sends for a moment, because closing a socket with unread
// input makes the kernel send a reset that can destroy our error response before the client
// has read it (the classic lost-413 problem).
asio::awaitable<void> reject_and_close(beast::tcp_stream& stream, const ApiError& e, const ServerOptions& opts) {
  ResponseWriter w(stream, 11, false, opts.write_timeout);
  auto sent = co_await w.send_error(e);
  if (!sent) co_return;
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kDrainTime);
  std::array<char, 16384> sink;
  std::size_t total = 0;
  while (total < kMaxDrainBytes) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    total += n;
  }
}

// The body of a streamed route, read as the handler asks for it (request.h's BodyReader).
class StreamedBody final : public BodyReader {
 public:
  StreamedBody(beast::tcp_stream& stream, beast::flat_buffer& buffer,
               beast::http::request_parser<beast::http::buffer_body>& parser, std::chrono::milliseconds read_timeout)
      : stream_(stream), buffer_(buffer), parser_(parser), read_timeout_(read_timeout) {}

  asio::awaitable<Result<std::optional<std::string>>> next() override {
    constexpr std::size_t kPiece = 64 * 1024;
    while (!parser_.is_done()) {
      std::string piece(kPiece, '\0');
      auto& body = parser_.get().body();
      body.data = piece.data();
      body.size = piece.size();
      stream_.expires_after(read_timeout_);
      auto [ec, n] = co_await beast::http::async_read_some(stream_, buffer_, parser_, kTuple);
      if (ec == beast::http::error::need_buffer) ec = {};
      if (ec == beast::http::error::body_limit) co_return Error(HttpErrc::body_too_large, "request body too large");
      if (ec) co_return Error(HttpErrc::client_gone, "reading the request body: " + ec.message());
      piece.resize(piece.size() - body.size);
      if (!piece.empty()) co_return std::optional<std::string>(std::move(piece));
    }
    co_return std::optional<std::string>();
  }

  bool complete() const { return parser_.is_done(); }

 private:
  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  beast::http::request_parser<beast::http::buffer_body>& parser_;
  std::chrono::milliseconds read_timeout_;
};

asio::awaitable<void> dispatch(Server::State& st, Request& req, ResponseWriter& w, Router::Match m) {
  if (!m.handler) {
    std::string what = std::string(req.method_string()) + " " + std::string(req.path());
    if (!m.allow.empty()) {
      Headers allow;  // built outside co_await: GCC 12 mis-compiles braced string literals there
      allow.emplace_back("Allow", m.allow);
      co_await w.send_error(method_not_allowed("Method not allowed (" + what + ")"), std::move(allow));
    } else {
      co_await w.send_error(not_found("Invalid URL (" + what + ")"));
    }
    co_return;
  }
  req.set_params(std::move(m.params));
  std::exception_ptr error;
  try {
    co_await (*m.handler)(req, w);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
      // Cancelled by a forced shutdown: expected, not a bug in the handler.
      if (e.code() == asio::error::operation_aborted && st.stopping.load()) {
        spdlog::info("handler for {} {} cancelled by shutdown", req.method_string(), req.path());
      } else {
        spdlog::error("handler for {} {} threw: {}", req.method_string(), req.path(), e.what());
      }
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} threw: {}", req.method_string(), req.path(), e.what());
    } catch (...) {
      spdlog::error("handler for {} {} threw a non-standard exception", req.method_string(), req.path());
    }
    if (!w.started()) {
      co_await w.send_error(internal_error());
    } else if (!w.finished()) {
      w.abort();  // the client must see a truncated stream, not a complete one
    }
    co_return;
  }
  if (!w.started()) {
    spdlog::error("handler for {} {} returned without a response", req.method_string(), req.path());
    co_await w.send_error(internal_error("Handler produced no response"));
  } else if (w.streaming()) {
    co_await w.finish();
  }
}

void record(Server::State& st, const ResponseWriter& w, std::chrono::steady_clock::time_point start) {
  st.served.fetch_add(1, std::memory_order_relaxed);
  if (!st.requests_metric) return;
  // The 200 series was resolved at construction: a family lookup builds strings and takes a lock.
  Counter& requests = w.status() == 200 ? *st.ok_requests_metric : st.requests_metric->with({std::to_string(w.status())});
  requests.inc();
  st.duration_metric->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

asio::awaitable<void> run_session(StatePtr st, std::shared_ptr<Conn> conn, std::uint64_t id, tcp::socket socket) {
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::tcp_stream stream(std::move(socket));
  conn->stream = &stream;
  struct Cleanup {
    StatePtr st;
    std::shared_ptr<Conn> conn;
    std::uint64_t id;
    ~Cleanup() {
      conn->stream = nullptr;
      conn->busy = false;
      {
        std::lock_guard lock(st->mu);
        st->conns.erase(id);
      }
      if (st->open_metric) st->open_metric->add(-1);
      st->active.fetch_sub(1);
    }
  } cleanup{st, conn, id};

  const ServerOptions& opts = st->opts;
  beast::flat_buffer buffer;
  // Room for a typical request in one read (an empty flat_buffer reads 512 bytes at a time).
  buffer.reserve(kReadBufferBytes);
  bool first = true;
  while (!st->stopping.load()) {
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
    parser.body_limit(std::max(opts.body_limit, opts.streamed_body_limit));
    conn->busy = false;
    stream.expires_after(first ? opts.read_timeout : opts.idle_timeout);
    auto [ec, n] = co_await beast::http::async_read_header(stream, buffer, parser, kTuple);
    if (ec) {
      if (ec == beast::http::error::body_limit) {
        // Beast checks a declared Content-Length against the limit while parsing the header.
        co_await reject_and_close(stream, payload_too_large(opts.body_limit), opts);
      } else if (ec == beast::http::error::header_limit) {
        ApiError e = error_for_status(431, "Request header fields too large");
        co_await reject_and_close(stream, e, opts);
      } else if (is_http_parse_error(ec)) {
        co_await reject_and_close(stream, invalid_request("Malformed HTTP request: " + ec.message()), opts);
      }
      break;  // eof, timeout, reset, shutdown: just close
    }
    conn->busy = true;
    auto start = std::chrono::steady_clock::now();
    const auto& head = parser.get();
    auto route = st->router.match(head.method(), path_of(head.target()));
    if (auto it = head.find(beast::http::field::expect); it != head.end() && beast::iequals(it->value(), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream.expires_after(opts.write_timeout);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()), kTuple);
      if (wec) break;
    }
    if (route.stream_body) {
      // The handler reads the body: the header goes to it now, the body as it asks.
      beast::http::request_parser<beast::http::buffer_body> body_parser(std::move(parser));
      body_parser.body_limit(opts.streamed_body_limit);
      Request::Raw raw;
      raw.base() = body_parser.get().base();
      Request req(std::move(raw), remote);
      StreamedBody body(stream, buffer, body_parser, opts.read_timeout);
      req.set_body_reader(&body);
      ResponseWriter writer(stream, req.version(), body_parser.get().keep_alive() && !st->stopping.load(),
                            opts.write_timeout, &st->stopping);
      co_await dispatch(*st, req, writer, std::move(route));
      record(*st, writer, start);
      // A body the handler did not read to its end leaves the connection mid-request.
      if (!writer.keep_alive() || !body.complete()) break;
      first = false;
      continue;
    }
    // Whole bodies: the ordinary limit (the header was read under the larger one, in case the
    // route streams).
    if (auto len = parser.content_length(); len && *len > opts.body_limit) {
      co_await reject_and_close(stream, payload_too_large(opts.body_limit), opts);
      break;
    }
    parser.body_limit(opts.body_limit);
    // A small request's body usually arrived with its header (one read): parse it straight
    // from the buffer, and read asynchronously only for what is still missing (an async read
    // that needs no I/O still costs a trip through the scheduler).
    while (!parser.is_done() && buffer.size() > 0) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == beast::http::error::need_more) ec = {};
      if (ec || used == 0) break;
    }
    if (!ec && !parser.is_done()) {
      stream.expires_after(opts.read_timeout);
      std::tie(ec, n) = co_await beast::http::async_read(stream, buffer, parser, kTuple);
    }
    if (ec) {
      if (ec == beast::http::error::body_limit) {
        co_await reject_and_close(stream, payload_too_large(opts.body_limit), opts);
      } else if (is_http_parse_error(ec)) {
        co_await reject_and_close(stream, invalid_request("Malformed HTTP request: " + ec.message()), opts);
      }
      break;
    }
    stream.expires_never();
    Request req(parser.release(), remote);
    ResponseWriter writer(stream, req.version(), req.raw().keep_alive() && !st->stopping.load(), opts.write_timeout,
                          &st->stopping);
    co_await dispatch(*st, req, writer, std::move(route));
    record(*st, writer, start);
    if (!writer.keep_alive()) break;
    first = false;
  }
  conn->busy = false;
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

// Beyond max_connections: a 503 (Retry-After: 1) and the connection closed. Not counted as an
// active connection; its own short deadlines bound what it can cost.
asio::awaitable<void> refuse_connection(StatePtr st, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  ApiError e = service_unavailable("Too many connections; retry shortly.");
  e.code = "too_many_connections";
  co_await reject_and_close(stream, e, st->opts);
}

asio::awaitable<void> accept_loop(StatePtr st) {
  asio::steady_timer backoff(st->acceptor.get_executor());
  while (!st->stopping.load()) {
    Strand strand = asio::make_strand(st->ctx);
    auto [ec, sock] = co_await st->acceptor.async_accept(strand, kTuple);
    if (ec) {
      if (st->stopping.load() || !st->acceptor.is_open() || ec == asio::error::operation_aborted) break;
      // Out of descriptors and the like: back off instead of spinning, then keep serving.
      spdlog::warn("accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    if (st->stopping.load()) break;
    if (st->opts.max_connections > 0 && st->active.load() >= st->opts.max_connections) {
      asio::co_spawn(strand, refuse_connection(st, tcp::socket(std::move(sock))), asio::detached);
      continue;
    }
    boost::system::error_code opt_ec;
    sock.set_option(tcp::no_delay(true), opt_ec);  // SSE chunks must not wait for Nagle
    auto conn = std::make_shared<Conn>(strand);
    std::uint64_t id;
    {
      std::lock_guard lock(st->mu);
      id = st->next_id++;
      st->conns.emplace(id, conn);
    }
    st->active.fetch_add(1);
    if (st->open_metric) st->open_metric->add(1);
    asio::co_spawn(strand, run_session(st, conn, id, tcp::socket(std::move(sock))),
                   asio::bind_cancellation_slot(conn->cancel.slot(), asio::detached));
  }
  st->accepting.store(false);
}

}  // namespace

Server::Server(asio::io_context& ctx, ServerOptions options, Router router)
    : state_(std::make_shared<State>(ctx, std::move(options), std::move(router))) {
  if (auto* m = state_->opts.metrics) {
    state_->requests_metric = &m->counter("http_requests_total", "HTTP requests served, by status code", {"code"});
    state_->ok_requests_metric = &state_->requests_metric->with({"200"});
    state_->duration_metric =
        &m->histogram("http_request_duration_seconds", "Time from request header to the end of the response").with({});
    state_->open_metric = &m->gauge("http_connections_open", "Open client connections").with({});
  }
}

Server::~Server() {
  state_->stopping.store(true);
  auto st = state_;
  asio::post(st->acceptor.get_executor(), [st] {
    boost::system::error_code ec;
    st->acceptor.close(ec);
  });
}

Result<void> Server::listen() {
  auto& opts = state_->opts;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(opts.host, ec);
  if (ec) {
    // A host name (e.g. "localhost"): resolve once, at start-up.
    tcp::resolver resolver(state_->ctx);
    auto results = resolver.resolve(opts.host, std::to_string(opts.port), ec);
    if (ec || results.empty()) {
      return Error(Errc::invalid_argument, "cannot resolve listen host '" + opts.host + "'");
    }
    addr = results.begin()->endpoint().address();
  }
  tcp::endpoint ep(addr, opts.port);
  auto& acc = state_->acceptor;
  auto where = opts.host + ":" + std::to_string(opts.port);
  if (acc.open(ep.protocol(), ec); ec) return Error(Errc::unavailable, "cannot open socket for " + where + ": " + ec.message());
  acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (acc.bind(ep, ec); ec) return Error(Errc::unavailable, "cannot bind " + where + ": " + ec.message());
  if (acc.listen(opts.backlog, ec); ec) return Error(Errc::unavailable, "cannot listen on " + where + ": " + ec.message());
  return {};
}

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::start() {
  state_->accepting.store(true);
  asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), asio::detached);
}

asio::awaitable<void> Server::stop(std::chrono::milliseconds deadline) {
  auto st = state_;
  st->stopping.store(true);
  asio::post(st->acceptor.get_executor(), [st] {
    boost::system::error_code ec;
    st->acceptor.close(ec);
  });
  // Idle keep-alive connections have nothing in flight: close them now. Busy ones see
  // `stopping` after their current response and close themselves.
  for (auto& c : st->snapshot()) {
    asio::post(c->strand, [c] {
      if (c->stream && !c->busy) c->stream->cancel();
    });
  }
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto wait_until = [&](std::chrono::steady_clock::time_point until) -> asio::awaitable<void> {
    while ((st->active.load() > 0 || st->accepting.load()) && std::chrono::steady_clock::now() < until) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(kTuple);
    }
  };
  co_await wait_until(std::chrono::steady_clock::now() + deadline);
  if (st->active.load() == 0) co_return;
  spdlog::warn("shutdown deadline passed with {} connection(s) still busy: cancelling them", st->active.load());
  for (auto& c : st->snapshot()) {
    asio::post(c->strand, [c] {
      c->cancel.emit(asio::cancellation_type::terminal);
      if (c->stream) c->stream->cancel();
    });
  }
  co_await wait_until(std::chrono::steady_clock::now() + kGraceAfterDeadline);
}

std::size_t Server::active_connections() const { return state_->active.load(); }

std::uint64_t Server::requests_served() const { return state_->served.load(); }

}  // namespace ragcache::http
