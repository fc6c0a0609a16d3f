// One caller's view of one answer as its lines arrive (answer_lines.h): what to send now, and
// the final answer once it is complete. Pure (no I/O): the response writer does the sending.
//
// A streaming caller gets each upstream event as it comes (openai relay rules: a caller that did
// not ask for usage does not get it), then the stream's end; when the answer came whole (a
// non-stream upstream call, a cached answer) it gets the whole answer rendered as a stream.
// A non-streaming caller gets one JSON body at the end: the upstream's own bytes when the
// answer came whole, else the object its events assemble into.
//
// A line that is not JSON is a protocol error; an upstream event that reports a failure is an
// upstream failure (status 502, the event's error as the body).
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "gateway/answer_format.h"
#include "gateway/answer_lines.h"

namespace ragcache::gateway {

class AnswerReader {
 public:
  AnswerReader(const AnswerFormat& format, bool stream, bool include_usage);

  // Folds lines (any split). Returns the bytes a streaming caller should get now ("" for a
  // non-streaming caller, or when nothing is due).
  Result<std::string> feed(std::string_view text);
  // Every line was read and the answer is complete.
  bool finished() const { return splitter_.idle() && folder_->finished(); }
  // What completes the response after the last feed: the rest of the stream (streaming caller)
  // or the whole JSON body. Only when finished().
  std::string finish();
  // The final answer object (only when finished()); parsed once.
  const boost::json::object& answer();
  // The final answer as JSON text: the upstream's own bytes when it came whole, else the
  // assembled object serialised (what the cache keeps).
  std::string answer_json();
  // The events relayed so far (0 for an answer that came whole).
  std::size_t events() const { return events_; }

 private:
  Result<void> on_line(char tag, std::string_view json, std::string& out);

  const AnswerFormat& format_;
  bool stream_;
  bool include_usage_;
  LineSplitter splitter_;
  std::unique_ptr<EventFolder> folder_;
  std::optional<std::string> whole_;  // the 'a' line's JSON, as received
  std::optional<boost::json::object> answer_;
  std::size_t events_ = 0;
};

}  // namespace ragcache::gateway
