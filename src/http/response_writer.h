// How a handler answers: either one whole response, or a stream.
//
//   co_await w.send(Response::json(200, body));            // whole response
//
//   co_await w.start_stream(200, "text/event-stream");     // status + headers go out now
//   co_await w.write("data: ...\n\n");                      // each write is one chunk, sent at once
//   co_await w.finish();                                    // terminating chunk
//
// Streams use chunked transfer encoding (HTTP/1.1; for an HTTP/1.0 client the body is written
// raw and ended by closing the connection). Each write goes straight to the socket, so a client
// sees every SSE event as soon as it is written. Every call returns an error (HttpErrc::client_gone)
// once the client has disconnected: a producer should stop then. abort() ends a started stream
// without the terminating chunk (the client can tell the response is truncated, e.g. when the
// upstream failed half-way). Exactly one response per request: a second send() is an error.
//
// Not thread-safe: used from the connection's own coroutine. The stream it writes to belongs
// to the server connection and outlives the handler call.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "http/api_error.h"
#include "http/response.h"

namespace ragcache::http {

class ResponseWriter {
 public:
  // keep_alive: whether the connection may serve another request after this one.
  // server_stopping (optional): when set by the time the response starts, it carries
  // "Connection: close" so the client does not reuse a connection that is about to close.
  ResponseWriter(boost::beast::tcp_stream& stream, unsigned http_version, bool keep_alive,
                 std::chrono::milliseconds write_timeout, const std::atomic<bool>* server_stopping = nullptr);

  boost::asio::awaitable<Result<void>> send(Response r);
  boost::asio::awaitable<Result<void>> send_json(int status, std::string body, Headers extra = {});
  boost::asio::awaitable<Result<void>> send_error(const ApiError& e, Headers extra = {});

  // A whole stream at once (status, headers, body, end) in one write: what start_stream + one
  // write + finish send, minus two round trips through the socket. For a body known in full
  // (e.g. an SSE answer replayed from the cache).
  boost::asio::awaitable<Result<void>> send_stream(int status, std::string_view content_type, std::string body,
                                                   Headers extra = {});

  // Writes the status line and headers of a streamed response.
  boost::asio::awaitable<Result<void>> start_stream(int status, std::string_view content_type, Headers extra = {});
  // Writes one piece of the body and flushes it (an empty piece writes nothing).
  boost::asio::awaitable<Result<void>> write(std::string_view data);
  // Ends the stream properly (last chunk). Idempotent.
  boost::asio::awaitable<Result<void>> finish();
  // Ends the exchange abruptly: the connection is closed after the handler returns.
  void abort();

  // Forces "Connection: close" on this response (call before sending).
  void close_after_response() { keep_alive_ = false; }

  bool started() const { return state_ != State::idle; }
  bool streaming() const { return state_ == State::streaming; }
  bool finished() const { return state_ == State::finished || state_ == State::aborted; }
  bool aborted() const { return state_ == State::aborted; }
  bool keep_alive() const { return keep_alive_ && state_ != State::aborted && !failed_; }
  int status() const { return status_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State { idle, streaming, finished, aborted };
  Result<void> fail(boost::system::error_code ec);
  void check_stopping();

  boost::beast::tcp_stream& stream_;
  unsigned version_;
  bool keep_alive_;
  std::chrono::milliseconds write_timeout_;
  const std::atomic<bool>* server_stopping_;
  State state_ = State::idle;
  bool failed_ = false;
  bool chunked_ = false;
  int status_ = 0;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace ragcache::http
