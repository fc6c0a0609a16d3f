// Writes one answer to the caller in the form the caller asked for: a chat.completion JSON body,
// or an SSE stream of chat.completion.chunk events. Events arrive as the generation goes (live
// for leaders and followers; all at once for a cache hit) and are rendered on the fly.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "base/error.h"
#include "http/gateway/answer.h"
#include "http/gateway/cache_headers.h"
#include "http/gateway/prepared_answer.h"
#include "http/response_writer.h"

namespace ragcache::gateway {

class AnswerResponder {
 public:
  AnswerResponder(http::ResponseWriter& writer, bool stream, bool include_usage, std::string model);

  // Sends the headers (stream) or remembers them (whole response). Call once, before events.
  boost::asio::awaitable<Result<void>> start(CacheResult result, http::Headers headers);
  // Feeds answer events (any split). Errors: the client went away.
  boost::asio::awaitable<Result<void>> events(std::string_view text);
  // A non-streaming response's whole answer at once (instead of events), before finish().
  void set_answer(std::string content, std::string finish_reason, std::string model, boost::json::value usage);
  // Completes the response.
  boost::asio::awaitable<Result<void>> finish();
  // A whole answer at once (a cache hit): start + events + finish, in one write (also for
  // streams). The prepared form (prepared_answer.h) leaves only this response's identity to write.
  boost::asio::awaitable<Result<void>> replay(CacheResult result, http::Headers headers,
                                              std::shared_ptr<const PreparedAnswer> prepared);
  boost::asio::awaitable<Result<void>> replay(CacheResult result, http::Headers headers, std::string_view events);
  // The generation failed: an error response if nothing was sent yet, else an SSE error event
  // and an aborted stream (the client can tell the answer is incomplete).
  boost::asio::awaitable<void> fail(const http::ApiError& error);

  bool started() const { return started_; }
  CacheResult result() const { return result_; }
  // The answer sent (or being sent): the replayed one, or the one folded from events().
  const AnswerBuilder& answer() const { return replayed_ ? replayed_->answer : answer_; }

 private:
  http::ResponseWriter& writer_;
  bool stream_;
  bool include_usage_;
  ResponseIdentity identity_;
  AnswerBuilder answer_;
  std::shared_ptr<const PreparedAnswer> replayed_;
  http::Headers headers_;
  CacheResult result_ = CacheResult::miss;
  bool started_ = false;
};

}  // namespace ragcache::gateway
