// Writes one answer to its caller, in the form the caller asked for (a JSON body, or an SSE
// stream), as the answer's lines arrive (answer_reader.h says what is sent of them): live for
// leaders and followers, all at once for a cache hit.
//
// Three phases: the answer arrives (lines(), or use_prepared() for a cached answer), it is
// complete (complete(): from then on answer() is known), and it is delivered (deliver()). Work
// that must happen before the caller has the whole answer (storing a session turn, so that the
// caller's next turn sees it) goes between complete() and deliver(), and may add a header
// (add_header) — or, on a stream already under way, an SSE comment.
//
// The response headers (X-Cache, Cache-Status...) are fixed before the first byte: set_result()
// comes before lines(). Errors: the client went away, or the answer was malformed or reported
// a failure (then fail() answers the caller).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "gateway/answer_reader.h"
#include "gateway/cache_headers.h"
#include "gateway/prepared_answer.h"
#include "gateway/upstream_failure.h"
#include "http/response_writer.h"

namespace ragcache::gateway {

class AnswerWriter {
 public:
  AnswerWriter(http::ResponseWriter& writer, const AnswerFormat& format, bool stream, bool include_usage);

  void set_result(CacheResult result, http::Headers headers);
  // Lines of the answer (any split); a streaming caller gets what is due at once.
  boost::asio::awaitable<Result<void>> lines(std::string_view text);
  // A cached answer (with its result and headers) in place of lines.
  void use_prepared(CacheResult result, http::Headers headers, std::shared_ptr<const PreparedAnswer> prepared);
  // The answer arrived whole; errors: it ended early.
  Result<void> complete();
  // Before deliver(): one more response header, or for a stream already started an SSE
  // comment (": name: value") just before its end.
  void add_header(std::string name, std::string value);
  // Sends what is left: the JSON body, the rest of the stream, or the whole cached answer.
  boost::asio::awaitable<Result<void>> deliver();
  // The generation failed: the failure's status and body if nothing was sent yet, else the
  // error as an SSE event and an aborted stream (the client can tell the answer is incomplete).
  boost::asio::awaitable<void> fail(const FailureReply& failure);

  bool result_set() const { return result_set_; }
  CacheResult result() const { return result_; }
  // The answer, once complete() succeeded (or use_prepared()); nullptr before.
  const boost::json::object* answer();
  // Its JSON as the cache keeps it.
  std::string answer_json();
  std::uint64_t total_tokens();

 private:
  boost::asio::awaitable<Result<void>> write(std::string bytes);

  http::ResponseWriter& writer_;
  const AnswerFormat& format_;
  bool stream_;
  bool include_usage_;
  AnswerReader reader_;
  std::shared_ptr<const PreparedAnswer> prepared_;
  http::Headers headers_;
  std::string trailer_comments_;
  CacheResult result_ = CacheResult::miss;
  bool result_set_ = false;
  bool complete_ = false;
};

}  // namespace ragcache::gateway
