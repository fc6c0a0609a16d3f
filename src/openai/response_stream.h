// A Responses API answer (`response` object) as an event stream and as one object, both ways.
//
//   ResponseAssembler       stream events -> the final `response` (the one the terminal event
//                           response.completed / .incomplete / .failed carries; output items
//                           from response.output_item.done fill in an upstream that leaves the
//                           terminal response's output empty)
//   render_response_stream  a `response` -> the event sequence a stream of it carries:
//                           response.created, response.in_progress, per output item
//                           output_item.added, its parts' added / delta / done events
//                           (output_text, refusal, function-call arguments, reasoning summary),
//                           output_item.done, then the terminal event; sequence numbers from 0.
//
// Events are SSE with an `event:` line naming their type, as OpenAI sends them.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ragcache::openai {

class ResponseAssembler {
 public:
  // Folds one event (the JSON of its data line).
  void add(const boost::json::object& event);
  // A terminal event arrived.
  bool finished() const { return final_.has_value(); }
  // An `error` event arrived (its JSON), or nullopt.
  const std::optional<boost::json::object>& error() const { return error_; }
  // The final response (only when finished()).
  boost::json::object response() const;

 private:
  std::optional<boost::json::object> final_;
  std::optional<boost::json::object> error_;
  std::map<std::int64_t, boost::json::value> items_;  // output_index -> item from output_item.done
};

// "event: <type>\ndata: <json>\n\n"
std::string sse_event(std::string_view type, std::string_view json);

std::string render_response_stream(const boost::json::object& response);

// The `type` of an event object ("" if none).
std::string_view event_type(const boost::json::object& event);

}  // namespace ragcache::openai
