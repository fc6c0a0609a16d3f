// A chat completion as a stream and as one object, both ways.
//
//   ChunkAssembler      chat.completion.chunk objects -> the chat.completion they describe
//                       (every choice, every message field, tool calls merged by index,
//                       logprobs, usage, system_fingerprint, service_tier, unknown fields)
//   render_chat_stream  a chat.completion -> the SSE body of a stream that carries it
//   relay_chunk         one live upstream chunk -> what a streaming caller gets of it
//
// The round trip holds: assembling the chunks render_chat_stream makes gives back the
// completion (tool-call arguments split over deltas reassemble to the same arguments). That is
// what lets one generation serve stream and non-stream callers, and a cached answer be replayed
// in either form.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ragcache::openai {

class ChunkAssembler {
 public:
  // Folds one chunk in (chunks of several choices may interleave).
  void add(const boost::json::object& chunk);
  // At least one choice, and every choice has a finish_reason.
  bool finished() const;
  // The chat.completion (id, object, created, model, choices, usage, then the other top-level
  // fields in the order the stream first had them).
  boost::json::object completion() const;

 private:
  boost::json::object top_;                     // top-level fields other than choices/usage
  std::map<std::int64_t, boost::json::object> choices_;  // index -> {message, logprobs, finish_reason, ...}
  boost::json::value usage_;
  bool saw_usage_ = false;
};

// The SSE body ("data: {chunk}\n\n"... "data: [DONE]\n\n") of a stream carrying `completion`.
// include_usage: a final usage chunk (choices []) and "usage": null on the others, as OpenAI
// sends them when stream_options.include_usage is set.
std::string render_chat_stream(const boost::json::object& completion, bool include_usage);

// One live chunk for a streaming caller, as an SSE event. The gateway always asks the upstream
// for usage; a caller that did not ask gets the chunks without it (nullopt: drop the chunk,
// it carried only the usage). `raw` is the chunk's JSON text, sent as is when nothing changes.
std::optional<std::string> relay_chunk(std::string_view raw, const boost::json::object& chunk, bool include_usage);

// "data: <json>\n\n"
std::string sse_data(std::string_view json);
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

}  // namespace ragcache::openai
