// How one answer travels inside the gateway: from the upstream call through the single flight
// (to local callers and, through the flight's Redis stream, to followers on other replicas) and
// into the cache. It is a sequence of lines, each a tag byte and one compact JSON document:
//
//   e{...}   one event of an upstream stream, exactly as the upstream sent it (a chat
//            chat.completion.chunk, a Responses event)
//   a{...}   a whole answer: the body of a non-stream upstream call as the upstream sent it, or
//            (every cached value) the final answer object
//
// The upstream's own JSON is carried unchanged (re-serialised only when it spanned several
// lines), so what a caller gets first-hand or from the cache is what the upstream said. Lines
// may be split anywhere in transit (LineSplitter reassembles them).
#pragma once

#include <string>
#include <string_view>

namespace ragcache::gateway {

inline constexpr char kEventTag = 'e';
inline constexpr char kAnswerTag = 'a';

std::string event_line(std::string_view json);
std::string answer_line(std::string_view json);

// Whole lines out of text split anywhere.
class LineSplitter {
 public:
  // Calls on_line(tag, json) for every line completed by `text`, in order.
  template <class OnLine>
  void feed(std::string_view text, OnLine&& on_line);
  bool idle() const { return partial_.empty(); }

 private:
  std::string partial_;
};

template <class OnLine>
void LineSplitter::feed(std::string_view text, OnLine&& on_line) {
  std::string_view rest = text;
  std::string joined;
  if (!partial_.empty()) {
    joined = std::move(partial_);
    joined.append(text);
    partial_.clear();
    rest = joined;
  }
  for (;;) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) break;
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.empty()) continue;
    on_line(line.front(), line.substr(1));
  }
  partial_.assign(rest);
}

}  // namespace ragcache::gateway
