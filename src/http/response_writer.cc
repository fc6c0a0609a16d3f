#include "http/response_writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "http/errors.h"

namespace ragcache::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

boost::core::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

template <class Fields>
void apply_headers(Fields& f, const Headers& extra) {
  for (const auto& [k, v] : extra) f.set(bsv(k), bsv(v));
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
  bhttp::response<bhttp::string_body> res;
  res.version(version_);
  res.result(static_cast<unsigned>(r.status));
  res.set(bhttp::field::content_type, bsv(r.content_type));
  apply_headers(res, r.headers);
  body_bytes_ = r.body.size();
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive_);
  res.prepare_payload();
  stream_.expires_after(write_timeout_);
  auto [ec, n] = co_await bhttp::async_write(stream_, res, kTuple);
  stream_.expires_never();
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
  bhttp::response<bhttp::string_body> res;
  res.version(version_);
  res.result(static_cast<unsigned>(status));
  res.set(bhttp::field::content_type, bsv(content_type));
  apply_headers(res, extra);
  body_bytes_ = body.size();
  res.body() = std::move(body);
  res.keep_alive(keep_alive_);
  res.chunked(true);  // as a stream is sent (the serializer writes the body as one chunk + the last)
  stream_.expires_after(write_timeout_);
  auto [ec, n] = co_await bhttp::async_write(stream_, res, kTuple);
  stream_.expires_never();
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::start_stream(int status, std::string_view content_type, Headers extra) {
  if (started()) co_return Error(HttpErrc::response_already_started);
  state_ = State::streaming;
  status_ = status;
  check_stopping();
  bhttp::response<bhttp::empty_body> res;
  res.version(version_);
  res.result(static_cast<unsigned>(status));
  res.set(bhttp::field::content_type, bsv(content_type));
  apply_headers(res, extra);
  chunked_ = version_ >= 11;
  if (chunked_) {
    res.chunked(true);
    res.keep_alive(keep_alive_);
  } else {
    // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
    keep_alive_ = false;
    res.keep_alive(false);
  }
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  stream_.expires_after(write_timeout_);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, sr, kTuple);
  stream_.expires_never();
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

asio::awaitable<Result<void>> ResponseWriter::write(std::string_view data) {
  if (state_ != State::streaming) co_return Error(HttpErrc::stream_finished, "write() outside a started stream");
  if (failed_) co_return Error(HttpErrc::client_gone);
  if (data.empty()) co_return Result<void>();  // an empty chunk would end the body
  stream_.expires_after(write_timeout_);
  boost::system::error_code ec;
  if (chunked_) {
    std::tie(ec, std::ignore) =
        co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data.data(), data.size())), kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await asio::async_write(stream_, asio::buffer(data.data(), data.size()), kTuple);
  }
  stream_.expires_never();
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
  stream_.expires_after(write_timeout_);
  auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
  stream_.expires_never();
  if (ec) co_return fail(ec);
  co_return Result<void>();
}

void ResponseWriter::abort() {
  if (state_ != State::finished) state_ = State::aborted;
  keep_alive_ = false;
}

}  // namespace ragcache::http
