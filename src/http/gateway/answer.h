// The cached form of a chat answer, and its two renderings.
//
// An answer travels (through the single-flight stream, into the cache, out of a hit) as a
// sequence of events, one compact JSON object per line:
//   {"c":"text"}                                   a piece of the assistant's content
//   {"f":"stop","m":"model","u":{...usage...}}     the end: finish_reason, model, usage (or null)
// The leader appends one event per upstream chunk, so followers relay it live; the cached value
// is all lines concatenated. Either rendering can be made from it: a chat.completion object for
// non-streaming callers, or OpenAI chat.completion.chunk SSE events for streaming callers. That
// is what lets one generation serve both kinds of request.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::gateway {

std::string content_event(std::string_view text);
std::string finish_event(std::string_view finish_reason, std::string_view model, const boost::json::value& usage);

// Folds events in; accepts any split of the event text (a whole cached value at once, or one
// line at a time). Lines that do not parse are ignored (counted in bad_lines).
class AnswerBuilder {
 public:
  // Returns the content pieces found in this text, in order (for live relaying).
  std::vector<std::string> add(std::string_view events);
  // The same without building the pieces (a cache hit replays a whole answer: content() holds
  // them all); returns how many content pieces the text had.
  std::size_t absorb(std::string_view events);
  // A whole answer already parsed (a plain completion): the state absorbing its events
  // (content_event(content) + finish_event(finish_reason, model, usage)) would leave.
  void assign(std::string content, std::string finish_reason, std::string model, boost::json::value usage);

  const std::string& content() const { return content_; }
  bool finished() const { return finish_reason_.has_value(); }
  const std::string& finish_reason() const { return finish_reason_ ? *finish_reason_ : empty_; }
  const std::string& model() const { return model_; }
  const boost::json::value& usage() const { return usage_; }
  std::size_t bad_lines() const { return bad_lines_; }

 private:
  template <class OnPiece>
  void fold(std::string_view events, OnPiece&& on_piece);

  std::string partial_;
  std::string content_;
  std::optional<std::string> finish_reason_;
  std::string model_;
  boost::json::value usage_;
  std::size_t bad_lines_ = 0;
  static inline const std::string empty_;
};

// Identity of one response: id and creation time shared by all its chunks.
struct ResponseIdentity {
  std::string id;        // "chatcmpl-..."
  std::int64_t created;  // unix seconds
  std::string model;     // the model the caller asked for
};
ResponseIdentity new_response_identity(std::string model);

// A whole chat.completion object.
std::string render_completion(const ResponseIdentity& id, const AnswerBuilder& answer);
// The same in two parts: what follows the identity depends on the answer only, so a cached
// answer renders it once (prepared_answer.h) and every hit adds just its own identity.
std::string render_completion_tail(const AnswerBuilder& answer);
std::string render_completion(const ResponseIdentity& id, std::string_view completion_tail);

// SSE events ("data: {...}\n\n") of a chat.completion.chunk stream:
std::string render_role_chunk(const ResponseIdentity& id);
std::string render_content_chunk(const ResponseIdentity& id, std::string_view text);
// The same from the chunk's delta object {"content":"..."} (content_delta_json), made once.
std::string content_delta_json(std::string_view text);
std::string render_content_chunk_from_delta(const ResponseIdentity& id, std::string_view delta_json);
// The finish chunk, then (include_usage) the usage chunk, then "data: [DONE]".
std::string render_final_chunks(const ResponseIdentity& id, const AnswerBuilder& answer, bool include_usage);
// The same from the answer's finish reason ("stop" when unfinished: final_finish_reason) and its
// usage already serialised.
std::string render_final_chunks(const ResponseIdentity& id, std::string_view finish_reason, std::string_view usage_json,
                                bool include_usage);
const std::string& final_finish_reason(const AnswerBuilder& answer);

}  // namespace ragcache::gateway
