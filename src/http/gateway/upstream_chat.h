// The one place the gateway calls the model: POST /chat/completions with streaming forced on
// (stream_options.include_usage too), each SSE chunk turned into answer events (answer.h).
//
// Streaming upstream is used for every request whose answer may be shared, streaming or not: the
// events then feed the single-flight stream, so callers of both kinds share one generation and
// followers see it live. complete_chat_upstream is the non-stream call for the rest.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "base/error.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

// Receives each event line; an error return stops the call (e.g. the flight lost its lock).
using EventSink = std::function<boost::asio::awaitable<Result<void>>(std::string event)>;

struct UpstreamChatResult {
  std::string finish_reason;  // "stop", "length", "content_filter", "tool_calls", ...
};

// Errors: an upstream error status -> upstream_status_error (status and body kept); transport
// errors as the UpstreamClient reports them; a stream without a finish -> Errc::upstream_protocol.
// Cancel-safe: cancelling aborts the upstream request.
boost::asio::awaitable<Result<UpstreamChatResult>> stream_chat_upstream(http::UpstreamClient& upstream,
                                                                        boost::json::object body,
                                                                        const EventSink& sink,
                                                                        http::Headers extra_headers = {});

// For a non-streaming caller whose answer nobody shares (no-store, uncacheable, no-cache): one
// plain (non-stream) upstream call whose chat.completion becomes the same events (content, then
// finish). Same answer as stream_chat_upstream, at a fraction of the cost on both sides (one body
// instead of one SSE chunk per token). Errors as stream_chat_upstream.
boost::asio::awaitable<Result<UpstreamChatResult>> complete_chat_upstream(http::UpstreamClient& upstream,
                                                                          boost::json::object body,
                                                                          const EventSink& sink,
                                                                          http::Headers extra_headers = {});

// A non-streaming caller whose answer is neither shared nor stored (no-store, uncacheable): the
// same call, but the answer comes back parsed instead of as events (nothing else reads them), so
// it is not written out as events and parsed back again. Errors as stream_chat_upstream.
struct CompletionAnswer {
  std::string content;        // the first choice's message content ("" when null or absent)
  std::string finish_reason;
  std::string model;          // the upstream's "model"
  boost::json::value usage;   // null when absent
};
boost::asio::awaitable<Result<CompletionAnswer>> complete_chat_answer(http::UpstreamClient& upstream,
                                                                      boost::json::object body,
                                                                      http::Headers extra_headers = {});

// The answer of one whole chat.completion object (its first choice). Pure; unit-tested.
Result<CompletionAnswer> parse_completion(std::string_view completion_json);

// The events of one whole chat.completion object (its first choice), as stream_chat_upstream
// would have made them from the equivalent chunks. Pure; unit-tested.
struct CompletionEvents {
  std::string events;
  std::string finish_reason;
};
Result<CompletionEvents> completion_to_events(std::string_view completion_json);

// Turns one OpenAI chat.completion.chunk (the JSON of an SSE data line) into events; tracks the
// finish reason, usage and model across calls. Pure; unit-tested.
class ChunkTranslator {
 public:
  // Events produced by this chunk (possibly none). A chunk holding {"error":...} -> error.
  Result<std::string> translate(std::string_view chunk_json);
  // The closing event, once the stream ended.
  std::string finish() const;
  bool saw_finish() const { return !finish_reason_.empty(); }
  const std::string& finish_reason() const { return finish_reason_; }

 private:
  std::string finish_reason_;
  std::string model_;
  boost::json::value usage_;
};

}  // namespace ragcache::gateway
