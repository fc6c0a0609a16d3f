#include "redis/transport.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <variant>

#include "redis/command.h"
#include "redis/errors.h"

namespace ragcache::redis {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

using TcpSocket = asio::ip::tcp::socket;
using TlsStream = asio::ssl::stream<TcpSocket>;
using UnixSocket = asio::local::stream_protocol::socket;

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 64 * 1024;

}  // namespace

struct Transport::Impl {
  asio::any_io_executor executor;
  ConnectionOptions options;
  std::optional<asio::ssl::context> tls_context;
  std::variant<std::monostate, TcpSocket, std::unique_ptr<TlsStream>, UnixSocket> stream;
  std::vector<char> read_buffer = std::vector<char>(kReadChunk);

  template <class Buffers>
  asio::awaitable<boost::system::error_code> write(const Buffers& bufs) {
    if (auto* s = std::get_if<TcpSocket>(&stream)) co_return std::get<0>(co_await asio::async_write(*s, bufs, kUse));
    if (auto* s = std::get_if<UnixSocket>(&stream)) co_return std::get<0>(co_await asio::async_write(*s, bufs, kUse));
    if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&stream)) {
      co_return std::get<0>(co_await asio::async_write(**s, bufs, kUse));
    }
    co_return asio::error::not_connected;
  }
};

Transport::Transport(asio::any_io_executor ex, Endpoint endpoint, ConnectionOptions options)
    : impl_(std::make_unique<Impl>()), endpoint_(std::move(endpoint)) {
  impl_->executor = std::move(ex);
  impl_->options = std::move(options);
  if (endpoint_.transport == Endpoint::Transport::tls) {
    auto& ctx = impl_->tls_context.emplace(asio::ssl::context::tls_client);
    if (impl_->options.tls_verify) {
      ctx.set_verify_mode(asio::ssl::verify_peer);
      if (impl_->options.tls_ca_file.empty()) {
        ctx.set_default_verify_paths();
      } else {
        boost::system::error_code ec;
        ctx.load_verify_file(impl_->options.tls_ca_file, ec);  // a bad file shows up as a failed handshake
      }
    } else {
      ctx.set_verify_mode(asio::ssl::verify_none);
    }
  }
}

Transport::~Transport() = default;

asio::awaitable<std::tuple<boost::system::error_code, std::string_view>> Transport::read_some() {
  auto& impl = *impl_;
  auto buf = asio::buffer(impl.read_buffer);
  std::tuple<boost::system::error_code, std::size_t> r{asio::error::not_connected, 0};
  if (auto* s = std::get_if<TcpSocket>(&impl.stream)) {
    r = co_await s->async_read_some(buf, kUse);
  } else if (auto* s = std::get_if<UnixSocket>(&impl.stream)) {
    r = co_await s->async_read_some(buf, kUse);
  } else if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&impl.stream)) {
    r = co_await (*s)->async_read_some(buf, kUse);
  }
  co_return std::tuple(std::get<0>(r), std::string_view(impl.read_buffer.data(), std::get<1>(r)));
}

asio::awaitable<boost::system::error_code> Transport::write_all(const std::vector<asio::const_buffer>& buffers) {
  co_return co_await impl_->write(buffers);
}

asio::awaitable<boost::system::error_code> Transport::write_all(std::string_view bytes) {
  co_return co_await impl_->write(asio::buffer(bytes));
}

namespace {
template <class Socket>
std::size_t write_without_waiting(Socket& socket, const std::vector<asio::const_buffer>& buffers) {
  boost::system::error_code ec;
  // Non-blocking changes only synchronous calls like this one; asynchronous ones work the same.
  if (!socket.non_blocking()) socket.non_blocking(true, ec);
  if (ec || !socket.non_blocking()) return 0;
  std::size_t n = socket.write_some(buffers, ec);
  return ec ? 0 : n;  // would_block included: the caller's asynchronous write takes over
}
}  // namespace

std::size_t Transport::write_now(const std::vector<asio::const_buffer>& buffers) {
  auto& stream = impl_->stream;
  if (auto* s = std::get_if<TcpSocket>(&stream)) return s->is_open() ? write_without_waiting(*s, buffers) : 0;
  if (auto* s = std::get_if<UnixSocket>(&stream)) return s->is_open() ? write_without_waiting(*s, buffers) : 0;
  return 0;
}

void Transport::close() {
  boost::system::error_code ec;
  auto& stream = impl_->stream;
  if (auto* s = std::get_if<TcpSocket>(&stream)) s->close(ec);
  if (auto* s = std::get_if<UnixSocket>(&stream)) s->close(ec);
  if (auto* s = std::get_if<std::unique_ptr<TlsStream>>(&stream)) (*s)->lowest_layer().close(ec);
}

namespace {

asio::awaitable<Result<void>> open_stream(Transport::Impl& impl, const Endpoint& endpoint) {
  if (endpoint.transport == Endpoint::Transport::unix_socket) {
    auto& s = impl.stream.emplace<UnixSocket>(impl.executor);
    auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(endpoint.path), kUse);
    if (ec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + ec.message());
    co_return Result<void>();
  }
  asio::ip::tcp::resolver resolver(impl.executor);
  auto [rec, results] = co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), kUse);
  if (rec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + rec.message());
  TcpSocket socket(impl.executor);
  auto [cec, ep] = co_await asio::async_connect(socket, results, kUse);
  if (cec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + cec.message());
  socket.set_option(asio::ip::tcp::no_delay(true));
  if (endpoint.transport == Endpoint::Transport::tcp) {
    impl.stream.emplace<TcpSocket>(std::move(socket));
    co_return Result<void>();
  }
  auto tls = std::make_unique<TlsStream>(std::move(socket), *impl.tls_context);
  SSL_set_tlsext_host_name(tls->native_handle(), endpoint.host.c_str());
  if (impl.options.tls_verify) tls->set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
  auto& ref = *tls;
  impl.stream.emplace<std::unique_ptr<TlsStream>>(std::move(tls));
  auto [hec] = co_await ref.async_handshake(asio::ssl::stream_base::client, kUse);
  if (hec) co_return Error(Errc::tls_error, endpoint.describe() + ": " + hec.message());
  co_return Result<void>();
}

}  // namespace

// AUTH, SELECT and CLIENT SETNAME, pipelined, before any caller's command.
static asio::awaitable<Result<void>> handshake(Transport& t, const ConnectionOptions& options) {
  const Endpoint& endpoint = t.endpoint();
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
  if (auto wec = co_await t.write_all(std::string_view(payload))) {
    co_return Error(Errc::not_connected, endpoint.describe() + ": " + wec.message());
  }
  std::size_t got = 0;
  while (got < what.size()) {
    auto [ec, bytes] = co_await t.read_some();
    if (ec) co_return Error(Errc::not_connected, endpoint.describe() + ": " + ec.message());
    if (auto fed = t.reader().feed(bytes); !fed) co_return fed.error();
    for (;;) {
      auto next = t.reader().next();
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

asio::awaitable<Result<void>> Transport::connect() {
  reader_.reset();
  close();
  impl_->stream.emplace<std::monostate>();
  asio::steady_timer timer(impl_->executor);
  timer.expires_after(impl_->options.connect_timeout);
  auto attempt = [this]() -> asio::awaitable<Result<void>> {
    auto opened = co_await open_stream(*impl_, endpoint_);
    if (!opened) co_return opened;
    co_return co_await handshake(*this, impl_->options);
  };
  auto outcome = co_await (attempt() || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) {
    close();
    co_return Error(Errc::not_connected, endpoint_.describe() + ": connect timed out");
  }
  auto result = std::get<0>(std::move(outcome));
  if (!result) close();
  co_return result;
}

}  // namespace ragcache::redis
