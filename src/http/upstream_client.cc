#include "http/upstream_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <deque>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <limits>
#include <mutex>
#include <vector>

#include "http/errors.h"
#include "http/message_head.h"
#include "http/write_now.h"

namespace ragcache::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

boost::core::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

// Bounds the connections open at once: a counting semaphore whose waiters sleep on their own
// timers (woken by a cancel posted to the timer's executor, so any thread may release). A slot
// is taken before connecting and given back when the connection closes (an idle pooled
// connection keeps its slot). Waiting is cancel-safe: a cancelled or timed-out waiter that was
// granted a slot in the meantime still reports it, so the slot is never lost.
class ConnectionSlots {
 public:
  explicit ConnectionSlots(std::size_t n) : free_(n) {}

  enum class Outcome { granted, idle_available, timed_out };

  // Waits for a slot until the deadline. idle_available: a connection was just put back in the
  // pool, so the caller should try the pool (which needs no new slot) and wait again if it lost
  // the race for it.
  asio::awaitable<Outcome> acquire(Clock::time_point deadline) {
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    {
      std::lock_guard lock(mu_);
      if (free_ > 0) {
        --free_;
        co_return Outcome::granted;
      }
      waiter->timer.expires_at(deadline);
      waiters_.push_back(waiter);
    }
    co_await waiter->timer.async_wait(kTuple);
    std::lock_guard lock(mu_);
    if (waiter->granted) co_return Outcome::granted;
    if (waiter->idle_ready) co_return Outcome::idle_available;
    std::erase(waiters_, waiter);
    co_return Outcome::timed_out;
  }

  // A connection closed: its slot goes to the first waiter, or back to the free count.
  void release() {
    std::shared_ptr<Waiter> next;
    {
      std::lock_guard lock(mu_);
      if (waiters_.empty()) {
        ++free_;
        return;
      }
      next = std::move(waiters_.front());
      waiters_.pop_front();
      next->granted = true;
    }
    wake(next);
  }

  // A connection went back to the pool: tell the first waiter to go and take it.
  void idle_connection_available() {
    std::shared_ptr<Waiter> next;
    {
      std::lock_guard lock(mu_);
      if (waiters_.empty()) return;
      next = std::move(waiters_.front());
      waiters_.pop_front();
      next->idle_ready = true;
    }
    wake(next);
  }

 private:
  struct Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    bool granted = false;     // guarded by mu_
    bool idle_ready = false;  // guarded by mu_
  };
  static void wake(const std::shared_ptr<Waiter>& w) {
    asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
  }

  std::mutex mu_;
  std::size_t free_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

// One connection to the upstream, plain or TLS. Its read buffer travels with it: bytes read
// past one response belong to the next.
struct Connection {
  // Room for a whole typical response in one read: an empty flat_buffer reads 512 bytes at a
  // time, so a chat completion's header and body took two or more recv calls each.
  static constexpr std::size_t kReadBufferBytes = 16 * 1024;
  Connection() { buffer.reserve(kReadBufferBytes); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (slots) slots->release();
  }
  std::shared_ptr<ConnectionSlots> slots;  // the slot this connection holds (null: none)
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<SslStream> tls;
  beast::flat_buffer buffer;
  // Where UpstreamStream::next() has the body parsed into (kReadChunk bytes, not zero-filled:
  // that cost more than the read). Kept with the pooled connection: a fresh 16 KiB block per
  // request went through malloc's slow paths (consolidation) every time.
  std::unique_ptr<char[]> chunk{new char[kReadChunk]};
  Clock::time_point idle_since;
  bool reused = false;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// Runs f on whichever stream the connection has; f returns the same awaitable type for both.
template <class F>
auto on_stream(Connection& c, F&& f) {
  return c.tls ? f(*c.tls) : f(*c.plain);
}

enum class Phase { connect, header, body };

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

Error map_error(const boost::system::error_code& ec, Phase phase, Clock::time_point total_deadline,
                const BaseUrl& url) {
  std::string where = url.authority();
  if (ec == beast::error::timeout) {
    if (Clock::now() + std::chrono::milliseconds(1) >= total_deadline) return Error(HttpErrc::total_timeout, where);
    switch (phase) {
      case Phase::connect: return Error(HttpErrc::connect_timeout, where);
      case Phase::header: return Error(HttpErrc::first_byte_timeout, where);
      case Phase::body: return Error(HttpErrc::read_timeout, where);
    }
  }
  if (ec == asio::error::operation_aborted) return Error(Errc::cancelled, where);
  if (ec.category() == make_error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
      ec != bhttp::error::partial_message) {
    return Error(HttpErrc::protocol_error, where + ": " + ec.message());
  }
  if (phase == Phase::header && is_stale_connection_error(ec)) {
    return Error(HttpErrc::io_failed, where + ": upstream closed the connection before responding");
  }
  return Error(HttpErrc::io_failed, where + ": " + ec.message());
}

Headers copy_headers(const bhttp::fields& f) {
  Headers out;
  for (const auto& field : f) out.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return out;
}

std::string_view find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(bsv(k), bsv(name))) return v;
  }
  return {};
}

}  // namespace

struct UpstreamClient::Shared {
  asio::any_io_executor executor;
  UpstreamOptions opts;
  BaseUrl url;
  std::shared_ptr<ssl::context> tls_ctx;
  std::shared_ptr<ConnectionSlots> slots;
  std::atomic<std::uint64_t> opened{0}, reused{0}, retries{0};

  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // most recently used last

  std::unique_ptr<Connection> take_idle() {
    std::vector<std::unique_ptr<Connection>> expired;  // closed outside the lock
    std::unique_ptr<Connection> out;
    {
      std::lock_guard lock(mu);
      auto now = Clock::now();
      while (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        if (now - c->idle_since < opts.max_idle_time) {
          out = std::move(c);
          break;
        }
        expired.push_back(std::move(c));
      }
    }
    if (out) out->reused = true;
    return out;
  }

  void give_back(std::unique_ptr<Connection> c) {
    if (c->buffer.size() != 0) return;  // unexpected bytes after the response: not reusable
    c->idle_since = Clock::now();
    c->tcp().expires_never();
    {
      std::lock_guard lock(mu);
      if (idle.size() >= opts.max_idle_connections) return;  // closed here: frees its slot
      idle.push_back(std::move(c));
    }
    slots->idle_connection_available();
  }
};

struct UpstreamStream::Impl {
  Impl(std::shared_ptr<UpstreamClient::Shared> s, std::unique_ptr<Connection> c, Clock::time_point deadline)
      : shared(std::move(s)), conn(std::move(c)), total_deadline(deadline), buf(conn->chunk.get()) {
    parser.header_limit(64 * 1024);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  }

  // The body is complete: the connection may serve the next request.
  void finish() {
    done = true;
    if (conn && keep_alive) shared->give_back(std::move(conn));
    conn.reset();
  }

  std::shared_ptr<UpstreamClient::Shared> shared;
  std::unique_ptr<Connection> conn;
  bhttp::response_parser<bhttp::buffer_body> parser;
  Clock::time_point total_deadline;
  char* buf;  // conn's chunk: valid while conn is held (copied out before finish() gives it back)
  int status = 0;
  Headers headers;
  bool keep_alive = false;
  bool done = false;
};

std::string_view UpstreamResponse::header(std::string_view name) const { return find_header(headers, name); }

UpstreamStream::UpstreamStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UpstreamStream::UpstreamStream(UpstreamStream&&) noexcept = default;
UpstreamStream& UpstreamStream::operator=(UpstreamStream&&) noexcept = default;
UpstreamStream::~UpstreamStream() = default;

int UpstreamStream::status() const { return impl_->status; }
const Headers& UpstreamStream::headers() const { return impl_->headers; }
std::string_view UpstreamStream::header(std::string_view name) const { return find_header(impl_->headers, name); }

asio::awaitable<Result<std::optional<std::string>>> UpstreamStream::next() {
  Impl& im = *impl_;
  if (im.done) co_return std::optional<std::string>();
  if (!im.conn) co_return Error(HttpErrc::io_failed, "the stream already failed");
  for (;;) {
    auto now = Clock::now();
    if (now >= im.total_deadline) {
      im.conn.reset();
      co_return Error(HttpErrc::total_timeout, im.shared->url.authority());
    }
    auto& body = im.parser.get().body();
    body.data = im.buf;
    body.size = kReadChunk;
    boost::system::error_code ec;
    bool parsed = false;
    if (im.conn->buffer.size() > 0) {
      // Bytes read with the header (usually the whole body of a small response): parsed here,
      // without another asynchronous operation. Nothing parsed (e.g. half a chunk header): read.
      const std::size_t used = im.parser.put(im.conn->buffer.data(), ec);
      im.conn->buffer.consume(used);
      if (ec == bhttp::error::need_more) ec = {};
      parsed = used > 0 || im.parser.is_done() || ec;
    }
    if (!parsed) {
      im.conn->tcp().expires_at(std::min(now + im.shared->opts.idle_read_timeout, im.total_deadline));
      auto [rec, n] = co_await on_stream(*im.conn, [&](auto& s) {
        return bhttp::async_read_some(s, im.conn->buffer, im.parser, kTuple);
      });
      ec = rec;
    }
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      im.conn.reset();
      co_return map_error(ec, Phase::body, im.total_deadline, im.shared->url);
    }
    std::size_t got = kReadChunk - body.size;
    if (im.parser.is_done()) {
      std::string last(im.buf, got);
      im.finish();
      if (got) co_return std::optional<std::string>(std::move(last));
      co_return std::optional<std::string>();
    }
    if (got) co_return std::optional<std::string>(std::string(im.buf, got));
  }
}

asio::awaitable<Result<std::string>> UpstreamStream::read_all(std::size_t max_bytes) {
  std::string out;
  for (;;) {
    auto piece = co_await next();
    if (!piece) co_return piece.error();
    if (!*piece) co_return out;
    if (out.size() + (*piece)->size() > max_bytes) {
      impl_->conn.reset();
      impl_->done = true;
      co_return Error(HttpErrc::body_too_large, "more than " + std::to_string(max_bytes) + " bytes");
    }
    out += **piece;
  }
}

namespace {

asio::awaitable<void> discard_body(UpstreamStream stream, std::size_t max_bytes) {
  std::size_t seen = 0;
  while (seen <= max_bytes) {
    auto piece = co_await stream.next();
    if (!piece || !*piece) co_return;  // failed (closed) or complete (back in the pool)
    seen += (*piece)->size();
  }
}  // past max_bytes: destroying the stream closes the connection

}  // namespace

void UpstreamStream::discard_rest(UpstreamStream stream, std::size_t max_bytes) {
  if (!stream.impl_ || stream.impl_->done || !stream.impl_->conn) return;
  auto executor = stream.impl_->shared->executor;
  asio::co_spawn(executor, discard_body(std::move(stream), max_bytes), asio::detached);
}

namespace {

asio::awaitable<Result<std::unique_ptr<Connection>>> connect(UpstreamClient::Shared& sh, Clock::time_point total_deadline) {
  using namespace asio::experimental::awaitable_operators;
  const auto& url = sh.url;
  auto deadline = std::min(Clock::now() + sh.opts.connect_timeout, total_deadline);
  for (;;) {
    auto outcome = co_await sh.slots->acquire(deadline);
    if (outcome == ConnectionSlots::Outcome::granted) break;
    if (outcome == ConnectionSlots::Outcome::timed_out) {
      co_return Error(HttpErrc::pool_exhausted, url.authority() + ": " + std::to_string(sh.opts.max_connections) +
                                                    " connections busy");
    }
    if (auto pooled = sh.take_idle()) {  // a connection came free while we waited
      sh.reused.fetch_add(1, std::memory_order_relaxed);
      co_return std::move(pooled);
    }
  }
  auto conn = std::make_unique<Connection>();
  conn->slots = sh.slots;  // from here on, destroying conn frees the slot
  tcp::resolver resolver(sh.executor);
  asio::steady_timer timer(sh.executor);
  timer.expires_at(deadline);
  auto resolved = co_await (resolver.async_resolve(url.host, std::to_string(url.port), kTuple) || timer.async_wait(kTuple));
  if (resolved.index() == 1) co_return map_error(beast::error::timeout, Phase::connect, total_deadline, url);
  auto [rec, endpoints] = std::get<0>(std::move(resolved));
  if (rec) co_return Error(HttpErrc::resolve_failed, url.host + ": " + rec.message());

  if (url.tls) {
    conn->tls = std::make_unique<SslStream>(sh.executor, *sh.tls_ctx);
    boost::system::error_code addr_ec;
    asio::ip::make_address(url.host, addr_ec);
    // SNI is for names only (RFC 6066); an address is checked against the certificate's IP SANs.
    if (addr_ec && !SSL_set_tlsext_host_name(conn->tls->native_handle(), url.host.c_str())) {
      co_return Error(HttpErrc::tls_failed, "cannot set SNI for " + url.host);
    }
    conn->tls->set_verify_callback(ssl::host_name_verification(url.host));
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(sh.executor);
  }
  auto& tcp_stream = conn->tcp();
  tcp_stream.expires_at(deadline);
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, kTuple);
  if (cec) {
    if (cec == beast::error::timeout) co_return map_error(cec, Phase::connect, total_deadline, url);
    co_return Error(HttpErrc::connect_failed, url.authority() + ": " + cec.message());
  }
  boost::system::error_code opt_ec;
  tcp_stream.socket().set_option(tcp::no_delay(true), opt_ec);
  if (conn->tls) {
    auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      if (hec == beast::error::timeout) co_return map_error(hec, Phase::connect, total_deadline, url);
      std::string detail = url.authority() + ": " + hec.message();
      long verify = SSL_get_verify_result(conn->tls->native_handle());
      if (verify != X509_V_OK) detail += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")";
      co_return Error(HttpErrc::tls_failed, detail);
    }
  }
  tcp_stream.expires_never();
  sh.opened.fetch_add(1, std::memory_order_relaxed);
  co_return conn;
}

// The request's bytes: head (message_head.h) and body. Built once per call (a retry on a fresh
// connection sends the same bytes).
struct EncodedRequest {
  std::string head;
  std::string body;
};

EncodedRequest encode_request(const UpstreamClient::Shared& sh, UpstreamRequest& r) {
  std::vector<HeaderField> fields;
  fields.reserve(5 + sh.opts.default_headers.size() + r.headers.size());
  const std::string host = sh.url.host_header();
  fields.emplace_back("Host", host);
  fields.emplace_back("User-Agent", "ragcache");
  // A header of the request overrides the same header of the defaults (one Authorization, never
  // two: a forwarded caller key replaces the configured one).
  auto overridden = [&r](std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (beast::iequals(k, name)) return true;
    }
    return false;
  };
  std::string authorization;
  if (!sh.opts.api_key.empty() && !overridden("Authorization")) {
    authorization = "Bearer " + sh.opts.api_key;
    fields.emplace_back("Authorization", authorization);
  }
  if ((!r.body.empty() || r.method == bhttp::verb::post || r.method == bhttp::verb::put) && !r.content_type.empty() &&
      !overridden("Content-Type")) {
    fields.emplace_back("Content-Type", r.content_type);
  }
  for (const auto& [k, v] : sh.opts.default_headers) {
    if (!overridden(k)) fields.emplace_back(k, v);
  }
  for (const auto& [k, v] : r.headers) fields.emplace_back(k, v);
  EncodedRequest out;
  out.head.reserve(256);
  if (r.body_source && !r.body_size) {
    append_chunked_request_head(out.head, r.method, sh.url.target_for(r.endpoint), fields);
  } else {
    append_request_head(out.head, r.method, sh.url.target_for(r.endpoint), fields,
                        r.body_source ? *r.body_size : r.body.size());
  }
  out.body = std::move(r.body);
  return out;
}

// Sends an encoded request: on a plain connection what the socket takes at once (write_now.h);
// the rest, and anything over TLS, asynchronously under the connection's current expiry.
asio::awaitable<boost::system::error_code> write_request(Connection& c, const EncodedRequest& req) {
  std::array<asio::const_buffer, 2> buffers{asio::buffer(req.head), asio::buffer(req.body)};
  std::size_t written = 0;
  if (!c.tls) {
    boost::system::error_code ec;
    written = write_now(c.plain->socket(), buffers, ec);
    if (ec || written == asio::buffer_size(buffers)) co_return ec;
  }
  beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  rest.consume(written);
  auto write_rest = [&rest](auto& s) { return asio::async_write(s, rest, kTuple); };
  auto [ec, n] = co_await on_stream(c, write_rest);
  co_return ec;
}

// The pieces of a streamed request body, each under the idle timeout: as they are (a known
// Content-Length) or as chunks.
asio::awaitable<Result<void>> write_streamed_body(Connection& c, UpstreamRequest& request,
                                                  std::chrono::milliseconds idle_timeout, Clock::time_point deadline,
                                                  const BaseUrl& url) {
  const bool chunked = !request.body_size;
  for (;;) {
    auto piece = co_await request.body_source();
    if (!piece) co_return piece.error();
    std::string framed;
    if (!*piece) {
      if (!chunked) co_return Result<void>();
      framed = "0\r\n\r\n";
    } else if (chunked) {
      char line[24];
      framed = chunk_size_line((*piece)->size(), line);
      framed += **piece;
      framed += "\r\n";
    } else {
      framed = std::move(**piece);
    }
    c.tcp().expires_at(std::min(Clock::now() + idle_timeout, deadline));
    auto write = [&framed](auto& s) { return asio::async_write(s, asio::buffer(framed), kTuple); };
    auto [ec, n] = co_await on_stream(c, write);
    if (ec) co_return map_error(ec, Phase::body, deadline, url);
    if (!*piece) co_return Result<void>();
  }
}

}  // namespace

UpstreamClient::UpstreamClient(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
UpstreamClient::~UpstreamClient() = default;

Result<std::shared_ptr<UpstreamClient>> UpstreamClient::create(asio::any_io_executor executor, UpstreamOptions options) {
  auto url = parse_base_url(options.base_url);
  if (!url) return url.error();
  auto shared = std::make_shared<Shared>();
  shared->executor = std::move(executor);
  shared->url = std::move(*url);
  if (shared->url.tls) {
    auto ctx = make_client_tls_context(options.tls);
    if (!ctx) return ctx.error();
    shared->tls_ctx = std::move(*ctx);
  }
  shared->slots = std::make_shared<ConnectionSlots>(std::max<std::size_t>(1, options.max_connections));
  shared->opts = std::move(options);
  return std::shared_ptr<UpstreamClient>(new UpstreamClient(std::move(shared)));
}

const BaseUrl& UpstreamClient::base_url() const { return shared_->url; }
const UpstreamOptions& UpstreamClient::options() const { return shared_->opts; }

UpstreamClient::Stats UpstreamClient::stats() const {
  Stats s;
  s.connections_opened = shared_->opened.load();
  s.connections_reused = shared_->reused.load();
  s.retries_on_stale = shared_->retries.load();
  std::lock_guard lock(shared_->mu);
  s.idle_connections = shared_->idle.size();
  return s;
}

asio::awaitable<Result<UpstreamStream>> UpstreamClient::open_stream(UpstreamRequest request) {
  auto sh = shared_;  // keeps the pool alive for the whole call
  const auto total_deadline = Clock::now() + sh->opts.total_timeout;
  const auto first_byte_timeout = request.first_byte_timeout.value_or(sh->opts.first_byte_timeout);
  const auto req = encode_request(*sh, request);
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> conn = attempt == 0 ? sh->take_idle() : nullptr;
    if (conn) {
      sh->reused.fetch_add(1, std::memory_order_relaxed);
    } else {
      auto fresh = co_await connect(*sh, total_deadline);
      if (!fresh) co_return fresh.error();
      conn = std::move(*fresh);
    }
    // A retry replays the request: impossible once a streamed body's piece was taken.
    const bool may_retry = conn->reused && attempt == 0;
    auto impl = std::make_unique<UpstreamStream::Impl>(sh, std::move(conn), total_deadline);
    Connection& c = *impl->conn;
    c.tcp().expires_at(std::min(Clock::now() + first_byte_timeout, total_deadline));
    auto wec = co_await write_request(c, req);
    if (wec) {
      if (may_retry && wec != beast::error::timeout && wec != asio::error::operation_aborted) {
        sh->retries.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      co_return map_error(wec, Phase::header, total_deadline, sh->url);
    }
    if (request.body_source) {
      auto sent = co_await write_streamed_body(c, request, sh->opts.idle_read_timeout, total_deadline, sh->url);
      if (!sent) co_return sent.error();
      c.tcp().expires_at(std::min(Clock::now() + first_byte_timeout, total_deadline));
    }
    auto [rec, rn] = co_await on_stream(c, [&](auto& s) {
      return bhttp::async_read_header(s, c.buffer, impl->parser, kTuple);
    });
    if (rec) {
      if (may_retry && is_stale_connection_error(rec)) {
        sh->retries.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      co_return map_error(rec, Phase::header, total_deadline, sh->url);
    }
    const auto& head = impl->parser.get();
    impl->status = static_cast<int>(head.result_int());
    impl->headers = copy_headers(head.base());
    impl->keep_alive = head.keep_alive();
    if (impl->parser.is_done()) impl->finish();  // no body (204, 304, Content-Length: 0)
    co_return UpstreamStream(std::move(impl));
  }
}

asio::awaitable<Result<UpstreamResponse>> UpstreamClient::send(UpstreamRequest request) {
  auto stream = co_await open_stream(std::move(request));
  if (!stream) co_return stream.error();
  UpstreamResponse resp;
  resp.status = stream->status();
  resp.headers = stream->headers();
  auto body = co_await stream->read_all(shared_->opts.max_response_bytes);
  if (!body) co_return body.error();
  resp.body = std::move(*body);
  co_return resp;
}

}  // namespace ragcache::http
