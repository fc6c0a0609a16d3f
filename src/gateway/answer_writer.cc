#include "gateway/answer_writer.h"

#include <boost/json/serialize.hpp>

namespace ragcache::gateway {

AnswerWriter::AnswerWriter(http::ResponseWriter& writer, const AnswerFormat& format, bool stream, bool include_usage)
    : writer_(writer), format_(format), stream_(stream), include_usage_(include_usage),
      reader_(format, stream, include_usage) {}

void AnswerWriter::set_result(CacheResult result, http::Headers headers) {
  result_ = result;
  headers_ = std::move(headers);
  result_set_ = true;
}

boost::asio::awaitable<Result<void>> AnswerWriter::write(std::string bytes) {
  if (bytes.empty()) co_return Result<void>();
  if (!writer_.started()) {
    http::Headers headers = std::move(headers_);
    headers.emplace_back("Cache-Control", "no-cache");
    auto started = co_await writer_.start_stream(200, "text/event-stream", std::move(headers));
    if (!started) co_return started;
  }
  co_return co_await writer_.write(bytes);
}

boost::asio::awaitable<Result<void>> AnswerWriter::lines(std::string_view text) {
  auto out = reader_.feed(text);
  if (!out) co_return out.error();
  if (stream_) co_return co_await write(std::move(*out));
  co_return Result<void>();
}

void AnswerWriter::use_prepared(CacheResult result, http::Headers headers,
                                std::shared_ptr<const PreparedAnswer> prepared) {
  set_result(result, std::move(headers));
  prepared_ = std::move(prepared);
  complete_ = true;
}

Result<void> AnswerWriter::complete() {
  if (!reader_.finished()) return Error(Errc::upstream_protocol, "the upstream's answer ended before it was complete");
  complete_ = true;
  return {};
}

void AnswerWriter::add_header(std::string name, std::string value) {
  if (writer_.started()) {
    trailer_comments_ += ": " + name + ": " + value + "\n\n";
  } else {
    headers_.emplace_back(std::move(name), std::move(value));
  }
}

boost::asio::awaitable<Result<void>> AnswerWriter::deliver() {
  if (prepared_) {
    const std::string& body = prepared_->body(stream_, include_usage_);
    if (!stream_) co_return co_await writer_.send_json(200, body, std::move(headers_));
    headers_.emplace_back("Cache-Control", "no-cache");
    co_return co_await writer_.send_stream(200, "text/event-stream", body, std::move(headers_));
  }
  std::string rest = reader_.finish();
  if (!stream_) co_return co_await writer_.send_json(200, std::move(rest), std::move(headers_));
  auto r = co_await write(trailer_comments_ + rest);
  if (!r) co_return r;
  co_return co_await writer_.finish();
}

boost::asio::awaitable<void> AnswerWriter::fail(const FailureReply& failure) {
  if (!writer_.started()) {
    http::Headers headers = std::move(headers_);
    for (const auto& h : failure.headers) headers.push_back(h);
    http::Response r{failure.status, failure.content_type, failure.body, std::move(headers)};
    co_await writer_.send(std::move(r));
    co_return;
  }
  if (writer_.streaming()) {
    co_await writer_.write("data: " + failure.body + "\n\n");
    writer_.abort();
  }
}

const boost::json::object* AnswerWriter::answer() {
  if (prepared_) return &prepared_->answer;
  if (!complete_) return nullptr;
  return &reader_.answer();
}

std::string AnswerWriter::answer_json() {
  if (prepared_) return prepared_->json_body;
  return complete_ ? reader_.answer_json() : std::string();
}

std::uint64_t AnswerWriter::total_tokens() {
  if (prepared_) return prepared_->total_tokens;
  const auto* a = answer();
  return a ? openai::usage_total_tokens(*a) : 0;
}

}  // namespace ragcache::gateway
