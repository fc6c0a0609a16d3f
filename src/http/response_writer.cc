#include "http/response_writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>

#include <array>

#include "http/errors.h"
#include "http/message_head.h"
#include "http/write_now.h"

namespace ragcache::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

asio::const_buffer buf(std::string_view s) { return {s.data(), s.size()}; }

// Writes all of `buffers`: what the socket takes at once (write_now.h), then the rest
// asynchronously under the write timeout.
template <std::size_t N>
asio::awaitable<boost::system::error_code> write_all(beast::tcp_stream& stream, std::chrono::milliseconds timeout,
                                                     const std::array<asio::const_buffer, N>& buffers) {
  boost::system::error_code ec;
  const std::size_t written = write_now(stream.socket(), buffers, ec);
  if (ec || written == asio::buffer_size(buffers)) co_return ec;
  beast::buffers_suffix<std::array<asio::const_buffer, N>> rest(buffers);
  rest.consume(written);
  stream.expires_after(timeout);
  auto [wec, n] = co_await asio::async_write(stream, rest, kTuple);
  stream.expires_never();
  co_return wec;
}
}  // namespace

ResponseWriter::ResponseWriter(beast::tcp_stream& stream, unsigned http_version, bool keep_alive,
                               std::chrono::milliseconds write_timeout, const std::atomic<bool>* server_stopping)
    : stream_(stream),
      version_(http_version),
      keep_alive_(keep_alive),
      write_timeout_(write_timeout),
      server_stopping_(server_stopping) {}

void ResponseWriter::check_stopping() {
  if (server_stopping_ && server_stopping_->load()) keep_alive_ = false;
}

Result<void> ResponseWriter::fail(boost::system::error_code ec) {
  failed_ = true;
  return Error(HttpErrc::client_gone, ec.message());
}

asio::awaitable<Result<void>> ResponseWriter::send(Response r) {
  if (started()) co_return Error(HttpErrc::response_already_started);
  state_ = State::finished;
  status_ = r.status;
  check_stopping();
  std::string head;
  head.reserve(256);
  append_response_head(head, {.version = version_, .status = r.status, .content_type = r.content_type,
                              .extra = &r.headers, .keep_alive = keep_alive_, .body_size = r.body.size()});
  body_bytes_ = r.body.size();
  std::array<asio::const_buffer, 2> buffers{buf(head), buf(r.body)};
  auto ec = co_await write_all(stream_, write_timeout_, buffers);
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::send_json(int status, std::string body, Headers extra) {
  return send(Response::json(status, std::move(body), std::move(extra)));
}

asio::awaitable<Result<void>> ResponseWriter::send_error(const ApiError& e, Headers extra) {
  return send(Response::error(e, std::move(extra)));
}

asio::awaitable<Result<void>> ResponseWriter::send_stream(int status, std::string_view content_type, std::string body,
                                                         Headers extra) {
  if (started()) co_return Error(HttpErrc::response_already_started);
  if (version_ < 11) {
    // HTTP/1.0 has no chunks: the streamed form (body ended by closing) is the only one.
    auto r = co_await start_stream(status, content_type, std::move(extra));
    if (r) r = co_await write(body);
    if (r) r = co_await finish();
    co_return r;
  }
  state_ = State::finished;
  status_ = status;
  check_stopping();
  // As a stream is sent: the body as one chunk, then the last chunk.
  std::string head;
  head.reserve(256);
  append_response_head(head, {.version = version_, .status = status, .content_type = content_type, .extra = &extra,
                              .keep_alive = keep_alive_, .framing = BodyFraming::chunked});
  body_bytes_ = body.size();
  char size_line[24];
  const std::string_view chunk_open = body.empty() ? std::string_view() : chunk_size_line(body.size(), size_line);
  const std::string_view chunk_close = body.empty() ? std::string_view() : kCrlf;
  std::array<asio::const_buffer, 5> buffers{buf(head), buf(chunk_open), buf(body), buf(chunk_close), buf(kLastChunk)};
  auto ec = co_await write_all(stream_, write_timeout_, buffers);
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::start_stream(int status, std::string_view content_type, Headers extra) {
  if (started()) co_return Error(HttpErrc::response_already_started);
  state_ = State::streaming;
  status_ = status;
  check_stopping();
  // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
  chunked_ = version_ >= 11;
  if (!chunked_) keep_alive_ = false;
  std::string head;
  head.reserve(256);
  append_response_head(head, {.version = version_, .status = status, .content_type = content_type, .extra = &extra,
                              .keep_alive = keep_alive_,
                              .framing = chunked_ ? BodyFraming::chunked : BodyFraming::until_close});
  std::array<asio::const_buffer, 1> buffers{buf(head)};
  auto ec = co_await write_all(stream_, write_timeout_, buffers);
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::write(std::string_view data) {
  if (state_ != State::streaming) co_return Error(HttpErrc::stream_finished, "write() outside a started stream");
  if (failed_) co_return Error(HttpErrc::client_gone);
  if (data.empty()) co_return Result<void>();  // an empty chunk would end the body
  boost::system::error_code ec;
  if (chunked_) {
    char size_line[24];
    std::array<asio::const_buffer, 3> buffers{buf(chunk_size_line(data.size(), size_line)), buf(data), buf(kCrlf)};
    ec = co_await write_all(stream_, write_timeout_, buffers);
  } else {
    std::array<asio::const_buffer, 1> buffers{buf(data)};
    ec = co_await write_all(stream_, write_timeout_, buffers);
  }
  if (ec) co_return fail(ec);
  body_bytes_ += data.size();
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::finish() {
  if (state_ == State::finished) co_return Result<void>();
  if (state_ != State::streaming) co_return Error(HttpErrc::stream_finished, "finish() without a started stream");
  state_ = State::finished;
  if (failed_) co_return Error(HttpErrc::client_gone);
  if (!chunked_) co_return Result<void>();
  std::array<asio::const_buffer, 1> buffers{buf(kLastChunk)};
  auto ec = co_await write_all(stream_, write_timeout_, buffers);
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

void ResponseWriter::abort() {
  if (state_ != State::finished) state_ = State::aborted;
  keep_alive_ = false;
}

}  // namespace ragcache::http
