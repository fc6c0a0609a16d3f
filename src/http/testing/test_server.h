// Test helpers for the http layer (header-only, used by *_itest.cc): a Server on a free port
// running on its own io threads, and a raw client connection for byte-level protocol tests.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include "http/io_threads.h"
#include "http/server.h"

namespace ragcache::http::testing {

// A server on 127.0.0.1:<free port> with `threads` io threads. Stops on destruction (graceful,
// with a short deadline so tests that leave a handler stuck end quickly).
class TestServer {
 public:
  explicit TestServer(Router router, ServerOptions options = {}, int threads = 2) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(ctx_, options, std::move(router));
    auto listened = server_->listen();
    if (!listened) throw std::runtime_error("test server: " + listened.error().message());
    server_->start();
    threads_ = std::make_unique<IoThreads>(ctx_, threads);
  }
  ~TestServer() { stop(std::chrono::milliseconds(200)); }

  // Graceful stop with a deadline; blocks the calling thread until done (bounded).
  void stop(std::chrono::milliseconds deadline) {
    if (stopped_) return;
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    boost::asio::co_spawn(ctx_, server_->stop(deadline), [done](std::exception_ptr) { done->set_value(); });
    done->get_future().wait_for(deadline + std::chrono::seconds(3));
    threads_->stop();
    threads_->join();
  }

  // Starts a graceful stop without waiting; returns a future that is ready when it completed.
  std::shared_future<void> stop_async(std::chrono::milliseconds deadline) {
    auto done = std::make_shared<std::promise<void>>();
    boost::asio::co_spawn(ctx_, server_->stop(deadline), [done](std::exception_ptr) { done->set_value(); });
    return done->get_future().share();
  }

  std::uint16_t port() const { return server_->port(); }
  std::string base_url(std::string_view path = "/v1") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }
  Server& server() { return *server_; }

 private:
  boost::asio::io_context ctx_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<IoThreads> threads_;
  bool stopped_ = false;
};

// A plain TCP connection that writes raw bytes and reads HTTP responses, for tests that need
// control over the bytes on the wire (keep-alive, malformed requests). Every read has a 5 s
// deadline, so a test can fail but not hang.
class RawConnection {
 public:
  explicit RawConnection(boost::asio::any_io_executor ex) : stream_(ex) {}

  boost::asio::awaitable<boost::system::error_code> connect(std::uint16_t port) {
    stream_.expires_after(std::chrono::seconds(5));
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    auto [ec] = co_await stream_.async_connect(ep, boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return ec;
  }

  boost::asio::awaitable<boost::system::error_code> write(std::string bytes) {
    stream_.expires_after(std::chrono::seconds(5));
    auto [ec, n] = co_await boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                                                     boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return ec;
  }

  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  // Reads one response; the error is set (e.g. end_of_stream) when the server closed instead.
  boost::asio::awaitable<std::pair<boost::system::error_code, Response>> read_response() {
    stream_.expires_after(std::chrono::seconds(5));
    Response res;
    auto [ec, n] = co_await boost::beast::http::async_read(stream_, buffer_, res,
                                                           boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return std::make_pair(ec, std::move(res));
  }

  // True when the server closed the connection (reads EOF within 5 s, discarding any bytes).
  boost::asio::awaitable<bool> closed_by_peer() {
    stream_.expires_after(std::chrono::seconds(5));
    char sink[4096];
    for (;;) {
      auto [ec, n] = co_await stream_.async_read_some(boost::asio::buffer(sink),
                                                      boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }
  }

  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace ragcache::http::testing
