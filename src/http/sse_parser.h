// Incremental parser for Server-Sent Events (text/event-stream), as OpenAI-compatible upstreams
// stream completions.
//
// Bytes go in as they come off the socket, in pieces of any size (an event, a line, even a CRLF
// pair may be split across reads); whole events come out. Pure: no I/O, so it is unit-tested
// byte by byte. Follows the WHATWG rules that matter for LLM streams:
//   - lines end in CRLF, LF or CR;
//   - `data:` lines accumulate, joined with "\n" (multi-line data); one leading space is dropped;
//   - `event:`, `id:`, `retry:` fields are kept; unknown fields are ignored;
//   - lines starting with ':' are comments (keep-alive pings), reported separately;
//   - a blank line dispatches the event; an event with no data line is not dispatched;
//   - `data: [DONE]` (OpenAI's end marker) is an ordinary event with is_done() true.
// A bounded buffer guards against an upstream that never ends a line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::http {

struct SseEvent {
  std::string event;  // `event:` field; empty means the default "message"
  std::string data;   // all `data:` lines joined with '\n'
  std::string id;     // `id:` field, if any
  std::optional<long> retry_ms;

  bool is_done() const { return data == "[DONE]"; }
  bool operator==(const SseEvent&) const = default;
};

class SseParser {
 public:
  // max_event_bytes bounds one line and one event's accumulated data.
  explicit SseParser(std::size_t max_event_bytes = 8 * 1024 * 1024) : max_event_bytes_(max_event_bytes) {}

  // Feeds the next bytes; complete events are appended to `out`. Returns false (and stops
  // parsing for good) once a line or an event exceeds max_event_bytes.
  bool feed(std::string_view bytes, std::vector<SseEvent>& out);

  // Convenience: feed() returning just this call's events (empty on overflow; see failed()).
  std::vector<SseEvent> feed(std::string_view bytes);

  // True when the stream ended (by the caller's knowledge) in the middle of an event: data was
  // seen but no blank line followed. Such an event is discarded, per the spec.
  bool has_partial_event() const { return !line_.empty() || has_data_; }

  // Comments (":..." lines, e.g. keep-alive pings) seen so far.
  std::size_t comment_count() const { return comments_; }
  bool failed() const { return failed_; }

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::string line_;      // the current, not yet terminated line
  bool pending_cr_ = false;  // last byte was CR: a following LF belongs to the same line break
  bool first_line_ = true;   // to strip a UTF-8 BOM at stream start
  SseEvent current_;
  bool has_data_ = false;
  std::size_t comments_ = 0;
  bool failed_ = false;
};

}  // namespace ragcache::http
