// The byte stream under one Redis connection: TCP, TLS (OpenSSL) or a unix socket, opened and
// made ready (AUTH, SELECT, CLIENT SETNAME) by connect(). Used by Connection (request/reply
// traffic) and Subscriber (Pub/Sub pushes). Not thread-safe: use it from one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <memory>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "redis/endpoint.h"
#include "redis/options.h"
#include "redis/reader.h"

namespace ragcache::redis {

class Transport {
 public:
  // ex should be a strand: every operation of this object runs on it.
  Transport(boost::asio::any_io_executor ex, Endpoint endpoint, ConnectionOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Opens the stream and runs the handshake, all within options.connect_timeout. Errors:
  // not_connected (unreachable, refused, timed out), tls_error, auth_failed, server_error.
  boost::asio::awaitable<Result<void>> connect();

  // Reads what is available into the internal buffer; returns the bytes read (valid until the
  // next call) or the socket error.
  boost::asio::awaitable<std::tuple<boost::system::error_code, std::string_view>> read_some();
  boost::asio::awaitable<boost::system::error_code> write_all(const std::vector<boost::asio::const_buffer>& buffers);
  boost::asio::awaitable<boost::system::error_code> write_all(std::string_view bytes);
  // Hands the bytes to the socket at once if it takes them without waiting: how many it took
  // (0..all). 0 also for TLS (its writes go through write_all only), when not connected, and on
  // an error, which the next read or write reports. Never blocks; must not overlap a write_all.
  std::size_t write_now(const std::vector<boost::asio::const_buffer>& buffers);

  // Closes the socket: pending reads and writes complete with an error. Safe to call twice.
  void close();

  // Parser of the reply stream (reset by connect()).
  ReplyReader& reader() { return reader_; }
  const Endpoint& endpoint() const { return endpoint_; }
  // Where the next connect() goes (cluster/sentinel mode: a subscriber follows the server the
  // router names now). Must keep the transport kind given at construction.
  void set_endpoint(Endpoint endpoint) { endpoint_ = std::move(endpoint); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  Endpoint endpoint_;
  ReplyReader reader_;
};

}  // namespace ragcache::redis
