// The two APIs whose answers the gateway caches, behind one interface: chat completions and
// the Responses API differ in their upstream endpoint, their stream events, how a stream folds
// into the final object, when an answer may be reused and how a cached answer is replayed as a
// stream. The request pipeline (chat_pipeline.h) is written once against AnswerFormat.
//
// Pure: no I/O. The two formats are immutable singletons.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "openai/answer_verdict.h"

namespace ragcache::gateway {

enum class ApiKind { chat, responses };

// Folds an answer's stream events (or its whole object) into the final object.
class EventFolder {
 public:
  virtual ~EventFolder() = default;
  // One stream event (the JSON of its data line).
  virtual void add_event(const boost::json::object& event) = 0;
  // The answer arrived whole (a non-stream upstream call, or a cached answer).
  void add_whole(boost::json::object answer) { whole_ = std::move(answer); }
  // The final object is known (a terminal event, every choice finished, or a whole answer).
  bool finished() const { return whole_.has_value() || stream_finished(); }
  // The final object (only when finished()); once: a whole answer is moved out, not copied.
  boost::json::object take_answer() { return whole_ ? std::move(*whole_) : stream_answer(); }

 protected:
  virtual bool stream_finished() const = 0;
  virtual boost::json::object stream_answer() const = 0;

 private:
  std::optional<boost::json::object> whole_;
};

class AnswerFormat {
 public:
  virtual ~AnswerFormat() = default;
  virtual ApiKind kind() const = 0;
  // "/chat/completions" or "/responses", relative to the upstream's base URL.
  virtual std::string_view endpoint() const = 0;
  // The body sent upstream: the caller's, with the stream flag of this call. A streamed chat
  // call always asks for usage (quotas, metrics and other callers need it; relay() hides it
  // from a caller that did not ask).
  virtual boost::json::object upstream_body(boost::json::object body, bool stream) const = 0;
  virtual std::unique_ptr<EventFolder> folder() const = 0;
  virtual openai::AnswerVerdict judge(const boost::json::object& answer) const = 0;
  virtual openai::AssistantTurn turn(const boost::json::object& answer) const = 0;
  // A whole answer as the SSE body of a stream, [DONE] included where the API has one.
  virtual std::string render_stream(const boost::json::object& answer, bool include_usage) const = 0;
  // One live upstream event for a streaming caller (nullopt: nothing to send of it).
  virtual std::optional<std::string> relay(std::string_view raw, const boost::json::object& event,
                                           bool include_usage) const = 0;
  // Written after the last relayed event ("data: [DONE]\n\n" for chat; nothing for Responses,
  // whose terminal event ends the stream).
  virtual std::string_view stream_end() const = 0;
  // A stream event that reports a failure mid-stream (chat: a chunk with "error"; Responses:
  // an "error" event): the OpenAI error body ({"error":{...}}) a whole response would carry.
  virtual std::optional<std::string> stream_error(const boost::json::object& event) const = 0;
};

const AnswerFormat& chat_format();
const AnswerFormat& responses_format();
const AnswerFormat& format_of(ApiKind kind);

}  // namespace ragcache::gateway
