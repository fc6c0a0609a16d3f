// The first step of every write of the server and of the upstream client: hand the bytes to the
// socket straight away. When its send buffer has room (nearly always) that is one sendmsg, with
// no timer armed and no asynchronous operation started; the caller writes what did not fit
// asynchronously, under its timeout.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>

namespace ragcache::http {

// How many bytes of `buffers` the socket took without waiting (0..all). `ec` is set only by a
// real failure (a reset, a closed socket), not by a full send buffer.
template <class ConstBufferSequence>
std::size_t write_now(boost::asio::ip::tcp::socket& socket, const ConstBufferSequence& buffers,
                      boost::system::error_code& ec) {
  ec = {};
  // The socket stays non-blocking: that changes only synchronous calls (like this one);
  // asynchronous operations behave the same either way.
  if (!socket.non_blocking()) socket.non_blocking(true, ec);
  if (!socket.non_blocking()) {
    ec = {};
    return 0;  // cannot tell it not to block: leave it all to the asynchronous write
  }
  std::size_t n = socket.write_some(buffers, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
  return ec ? 0 : n;
}

}  // namespace ragcache::http
