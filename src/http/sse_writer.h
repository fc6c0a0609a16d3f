// Writing Server-Sent Events to a client: the framing as pure functions (unit-tested), and
// SseWriter, which starts a text/event-stream response on a ResponseWriter and writes events,
// each flushed to the socket as its own chunk.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/response_writer.h"

namespace ragcache::http {

// "data: <line>\n" for every line of `data` (split on \n, \r\n or \r), then a blank line. With an
// event name, an "event: <name>\n" line first.
std::string format_sse_event(std::string_view data, std::string_view event = {});
// ": <text>\n\n", a comment (keep-alive ping) that clients ignore.
std::string format_sse_comment(std::string_view text);
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

class SseWriter {
 public:
  explicit SseWriter(ResponseWriter& w) : w_(w) {}

  // 200 text/event-stream with Cache-Control: no-cache and X-Accel-Buffering: no (so reverse
  // proxies do not buffer the stream), plus `extra` headers (X-Cache, ...).
  boost::asio::awaitable<Result<void>> start(Headers extra = {}, int status = 200);
  boost::asio::awaitable<Result<void>> event(std::string_view data, std::string_view event_name = {});
  // Already framed bytes (e.g. relayed verbatim from an upstream stream); they must stay valid
  // until the returned awaitable completes (co_await it at once).
  boost::asio::awaitable<Result<void>> raw(std::string_view framed) { return w_.write(framed); }
  boost::asio::awaitable<Result<void>> comment(std::string_view text);
  // data: [DONE], then the end of the response.
  boost::asio::awaitable<Result<void>> done();

 private:
  ResponseWriter& w_;
};

}  // namespace ragcache::http
