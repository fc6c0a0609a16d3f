#include "gateway/upstream_call.h"

#include <boost/json/serialize.hpp>
#include <vector>

#include "gateway/answer_lines.h"
#include "gateway/upstream_failure.h"
#include "http/sse_parser.h"

namespace ragcache::gateway {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxErrorBody = 1 << 20;

// Works for UpstreamResponse and UpstreamStream alike (both have a case-insensitive header()).
template <class Answer>
UpstreamFailure failure_of(int status, std::string body, const Answer& answer) {
  UpstreamFailure f;
  f.status = status;
  f.body = std::move(body);
  f.content_type = std::string(answer.header("Content-Type"));
  f.retry_after = std::string(answer.header("Retry-After"));
  return f;
}

http::UpstreamRequest request_for(const AnswerFormat& format, json::object body, bool stream, http::Headers headers,
                                  const http::UpstreamClient& upstream) {
  http::UpstreamRequest request;
  request.endpoint = std::string(format.endpoint());
  request.body = json::serialize(format.upstream_body(std::move(body), stream));
  request.headers = std::move(headers);
  if (stream) {
    request.headers.emplace_back("Accept", "text/event-stream");
  } else {
    request.first_byte_timeout = upstream.options().total_timeout;  // the whole answer comes at once
  }
  return request;
}

boost::asio::awaitable<Result<void>> call_whole(http::UpstreamClient& upstream, http::UpstreamRequest request,
                                                const LineSink& sink) {
  auto response = co_await upstream.send(std::move(request));
  if (!response) co_return response.error();
  if (!response->ok()) {
    co_return upstream_failure_error(failure_of(response->status, std::move(response->body), *response));
  }
  co_return co_await sink(answer_line(response->body));
}

boost::asio::awaitable<Result<void>> call_streamed(http::UpstreamClient& upstream, http::UpstreamRequest request,
                                                   const LineSink& sink) {
  auto opened = co_await upstream.open_stream(std::move(request));
  if (!opened) co_return opened.error();
  http::UpstreamStream stream = std::move(*opened);
  if (stream.status() < 200 || stream.status() >= 300) {
    auto rest = co_await stream.read_all(kMaxErrorBody);
    co_return upstream_failure_error(failure_of(stream.status(), rest ? std::move(*rest) : std::string(), stream));
  }
  http::SseParser parser;
  std::vector<http::SseEvent> events;
  bool done = false;
  while (!done) {
    auto piece = co_await stream.next();
    if (!piece) co_return piece.error();
    if (!*piece) break;
    events.clear();
    if (!parser.feed(**piece, events)) co_return Error(Errc::upstream_protocol, "upstream SSE event too large");
    std::string batch;
    for (const auto& ev : events) {
      if (ev.is_done()) {
        done = true;
        break;
      }
      if (!ev.data.empty()) batch += event_line(ev.data);
    }
    if (!batch.empty()) {
      auto pushed = co_await sink(std::move(batch));
      if (!pushed) co_return pushed.error();
    }
  }
  // After [DONE] the body's last bytes may still be on their way: let them arrive in the
  // background so the connection is reused (closing it cost every request a new connection).
  if (done) http::UpstreamStream::discard_rest(std::move(stream));
  co_return Result<void>();
}

}  // namespace

boost::asio::awaitable<Result<void>> call_upstream(http::UpstreamClient& upstream, const AnswerFormat& format,
                                                   json::object body, bool stream, http::Headers headers,
                                                   const LineSink& sink) {
  auto request = request_for(format, std::move(body), stream, std::move(headers), upstream);
  if (stream) co_return co_await call_streamed(upstream, std::move(request), sink);
  co_return co_await call_whole(upstream, std::move(request), sink);
}

}  // namespace ragcache::gateway
