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
  const std::size_t before = answer_.content().size();
  const std::size_t pieces = answer_.absorb(text);
  if (!stream_ || pieces == 0) co_return Result<void>();
  // The pieces of one call go out as one content chunk (a cache hit's whole answer, or a
  // relayed batch), not one chunk each: they are what this call appended to the content.
  const std::string chunk = render_content_chunk(identity_, std::string_view(answer_.content()).substr(before));
  co_return co_await writer_.write(chunk);
}

boost::asio::awaitable<Result<void>> AnswerResponder::replay(CacheResult result, http::Headers headers,
                                                             std::shared_ptr<const PreparedAnswer> prepared) {
  result_ = result;
  started_ = true;
  replayed_ = std::move(prepared);
  const PreparedAnswer& p = *replayed_;
  if (!stream_) {
    co_return co_await writer_.send_json(200, render_completion(identity_, p.completion_tail), std::move(headers));
  }
  // The same events start + events + finish would send (role, one content chunk, final chunks).
  std::string body = render_role_chunk(identity_);
  if (p.pieces > 0) body += render_content_chunk_from_delta(identity_, p.content_delta);
  body += render_final_chunks(identity_, final_finish_reason(p.answer), p.usage_json, include_usage_);
  headers.emplace_back("Cache-Control", "no-cache");
  co_return co_await writer_.send_stream(200, "text/event-stream", std::move(body), std::move(headers));
}

boost::asio::awaitable<Result<void>> AnswerResponder::replay(CacheResult result, http::Headers headers,
                                                             std::string_view events) {
  auto prepared = prepare_answer(events);
  co_return co_await replay(result, std::move(headers), std::move(prepared));
}

void AnswerResponder::set_answer(std::string content, std::string finish_reason, std::string model,
                                 boost::json::value usage) {
  answer_.assign(std::move(content), std::move(finish_reason), std::move(model), std::move(usage));
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
