#include "http/sse_writer.h"

namespace ragcache::http {

std::string format_sse_event(std::string_view data, std::string_view event) {
  std::string out;
  out.reserve(data.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  std::size_t i = 0;
  while (true) {
    // The next line break (find_first_of("\r\n") would call memchr once per character).
    std::size_t j = i;
    while (j < data.size() && data[j] != '\n' && data[j] != '\r') ++j;
    if (j == data.size()) j = std::string_view::npos;
    out += "data: ";
    if (j == std::string_view::npos) {
      out += data.substr(i);
      out += '\n';
      break;
    }
    out += data.substr(i, j - i);
    out += '\n';
    i = (data[j] == '\r' && j + 1 < data.size() && data[j + 1] == '\n') ? j + 2 : j + 1;
  }
  out += '\n';
  return out;
}

std::string format_sse_comment(std::string_view text) {
  std::string out = ": ";
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  out += "\n\n";
  return out;
}

boost::asio::awaitable<Result<void>> SseWriter::start(Headers extra, int status) {
  extra.emplace_back("Cache-Control", "no-cache");
  extra.emplace_back("X-Accel-Buffering", "no");
  return w_.start_stream(status, "text/event-stream", std::move(extra));
}

// Coroutines (not plain forwarding) so the framed string lives in the frame until written.
boost::asio::awaitable<Result<void>> SseWriter::event(std::string_view data, std::string_view event_name) {
  std::string framed = format_sse_event(data, event_name);
  co_return co_await w_.write(framed);
}

boost::asio::awaitable<Result<void>> SseWriter::comment(std::string_view text) {
  std::string framed = format_sse_comment(text);
  co_return co_await w_.write(framed);
}

boost::asio::awaitable<Result<void>> SseWriter::done() {
  auto r = co_await w_.write(kSseDone);
  if (!r) co_return r;
  co_return co_await w_.finish();
}

}  // namespace ragcache::http
