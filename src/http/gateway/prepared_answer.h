// A cached answer made ready to send, and a memo of them.
//
// A cache hit used to fold the stored events (JSON lines, answer.h) and render the response
// from scratch on every hit: the parse and the escaping cost more than the rest of the gateway's
// work for the hit. Everything in a response except its identity (id, created, the model asked
// for) depends on the answer alone, so PreparedAnswer renders those parts once; a hit then only
// writes its identity in front of them (AnswerResponder::replay).
//
// AnswerMemo keeps PreparedAnswers of recently served answers, keyed by the stored event bytes
// themselves (compared whole, not by a hash): a PreparedAnswer is a pure function of those bytes,
// so an entry can never be stale or serve another answer. Bounded by bytes: when the current
// generation is full it becomes the previous one (the one before is dropped) and a hit in the
// previous generation moves the entry forward, an LRU approximation without per-hit list work.
// Thread-safe (one mutex, held for a lookup or an insert; preparing runs outside it).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/gateway/answer.h"

namespace ragcache::gateway {

struct PreparedAnswer {
  AnswerBuilder answer;         // the folded events (content, finish reason, model, usage)
  std::size_t pieces = 0;       // content pieces in the events (0: no content chunk in SSE)
  std::string completion_tail;  // render_completion_tail(answer)
  std::string content_delta;    // content_delta_json(answer.content())
  std::string usage_json;       // the usage, serialised
  std::size_t bytes() const;    // roughly what it occupies in memory
};

std::shared_ptr<const PreparedAnswer> prepare_answer(std::string_view events);

class AnswerMemo {
 public:
  explicit AnswerMemo(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // The prepared form of `events` (made now, and remembered, when not known yet).
  std::shared_ptr<const PreparedAnswer> get(std::string_view events);

  std::size_t size() const;  // entries in both generations

  static constexpr std::size_t kDefaultMaxBytes = 16u << 20;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::shared_ptr<const PreparedAnswer>, Hash, std::equal_to<>>;
  void insert_locked(std::string_view events, std::shared_ptr<const PreparedAnswer> prepared);

  std::size_t max_bytes_;
  mutable std::mutex mu_;
  Map current_, previous_;
  std::size_t current_bytes_ = 0;
};

}  // namespace ragcache::gateway
