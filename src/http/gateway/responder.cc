#include "http/gateway/responder.h"

namespace ragcache::gateway {

AnswerResponder::AnswerResponder(http::ResponseWriter& writer, bool stream, bool include_usage, std::string model)
    : writer_(writer), stream_(stream), include_usage_(include_usage), identity_(new_response_identity(std::move(model))) {}

boost::asio::awaitable<Result<void>> AnswerResponder::start(CacheResult result, http::Headers headers) {
  result_ = result;
  started_ = true;
  if (!stream_) {
    headers_ = std::move(headers);
    co_return Result<void>();
  }
  headers.emplace_back("Cache-Control", "no-cache");
  auto r = co_await writer_.start_stream(200, "text/event-stream", std::move(headers));
  if (!r) co_return r;
  co_return co_await writer_.write(render_role_chunk(identity_));
}

boost::asio::awaitable<Result<void>> AnswerResponder::events(std::string_view text) {
  auto pieces = answer_.add(text);
  if (!stream_) co_return Result<void>();
  // A cache hit hands over the whole answer at once: one content chunk, not hundreds.
  if (pieces.size() > 1) {
    std::string joined;
    for (auto& p : pieces) joined += p;
    pieces.assign(1, std::move(joined));
  }
  for (auto& p : pieces) {
    auto r = co_await writer_.write(render_content_chunk(identity_, p));
    if (!r) co_return r;
  }
  co_return Result<void>();
}

boost::asio::awaitable<Result<void>> AnswerResponder::replay(CacheResult result, http::Headers headers,
                                                             std::string_view events) {
  if (!stream_) {
    co_await start(result, std::move(headers));
    answer_.add(events);
    co_return co_await finish();
  }
  // The same events start + events + finish would send (role, one content chunk, final chunks).
  result_ = result;
  started_ = true;
  auto pieces = answer_.add(events);
  std::string body = render_role_chunk(identity_);
  if (!pieces.empty()) {
    std::string joined;
    for (auto& p : pieces) joined += p;
    body += render_content_chunk(identity_, joined);
  }
  body += render_final_chunks(identity_, answer_, include_usage_);
  headers.emplace_back("Cache-Control", "no-cache");
  co_return co_await writer_.send_stream(200, "text/event-stream", std::move(body), std::move(headers));
}

boost::asio::awaitable<Result<void>> AnswerResponder::finish() {
  if (!stream_) co_return co_await writer_.send_json(200, render_completion(identity_, answer_), std::move(headers_));
  auto r = co_await writer_.write(render_final_chunks(identity_, answer_, include_usage_));
  if (!r) co_return r;
  co_return co_await writer_.finish();
}

boost::asio::awaitable<void> AnswerResponder::fail(const http::ApiError& error) {
  if (!writer_.started()) {
    co_await writer_.send_error(error, std::move(headers_));
    co_return;
  }
  if (writer_.streaming()) {
    co_await writer_.write("data: " + error.to_json() + "\n\n");
    writer_.abort();
  }
}

}  // namespace ragcache::gateway
