// A cached answer made ready to send, and a memo of them.
//
// A cached value is one answer line (answer_lines.h): the final answer object. Every hit of it
// sends the same bytes: the object itself to a JSON caller, or the stream that carries it to a
// streaming caller (with or without usage). PreparedAnswer parses the value and renders those
// bodies once; a hit then writes them as they are.
//
// AnswerMemo keeps PreparedAnswers of recently served answers, keyed by the stored bytes
// themselves (compared whole, not by a hash): a PreparedAnswer is a pure function of those
// bytes (and of its format), so an entry can never be stale or serve another answer. Bounded by
// bytes: when the current generation is full it becomes the previous one (the one before is
// dropped) and a hit in the previous generation moves the entry forward, an LRU approximation
// without per-hit list work. Thread-safe (one mutex, held for a lookup or an insert; preparing
// runs outside it). One memo per format.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/answer_format.h"

namespace ragcache::gateway {

struct PreparedAnswer {
  boost::json::object answer;     // the final answer object
  std::string json_body;          // the object's JSON as stored
  std::string stream_body;        // the stream that carries it, without usage
  std::string stream_body_usage;  // the same with usage (stream_options.include_usage)
  std::uint64_t total_tokens = 0;
  std::size_t bytes() const;      // roughly what it occupies in memory
  const std::string& body(bool stream, bool include_usage) const {
    return !stream ? json_body : include_usage ? stream_body_usage : stream_body;
  }
};

// nullptr when `stored` is not one answer line holding a JSON object (a corrupt or foreign
// entry: the caller treats it as a miss).
std::shared_ptr<const PreparedAnswer> prepare_answer(const AnswerFormat& format, std::string_view stored);

class AnswerMemo {
 public:
  explicit AnswerMemo(const AnswerFormat& format, std::size_t max_bytes = kDefaultMaxBytes)
      : format_(format), max_bytes_(max_bytes) {}

  // The prepared form of `stored` (made now, and remembered, when not known yet); nullptr as
  // prepare_answer.
  std::shared_ptr<const PreparedAnswer> get(std::string_view stored);

  std::size_t size() const;  // entries in both generations

  static constexpr std::size_t kDefaultMaxBytes = 16u << 20;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::shared_ptr<const PreparedAnswer>, Hash, std::equal_to<>>;
  void insert_locked(std::string_view stored, std::shared_ptr<const PreparedAnswer> prepared);

  const AnswerFormat& format_;
  std::size_t max_bytes_;
  mutable std::mutex mu_;
  Map current_, previous_;
  std::size_t current_bytes_ = 0;
};

}  // namespace ragcache::gateway
