#include "http/sse_parser.h"

#include <charconv>

namespace ragcache::http {

bool SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (failed_) return false;
  std::size_t i = 0;
  if (pending_cr_ && !bytes.empty()) {
    // A CR ended the previous read: an LF right after it is part of the same line break.
    if (bytes[0] == '\n') ++i;
    pending_cr_ = false;
  }
  while (i < bytes.size()) {
    // Find the next line terminator from i.
    std::size_t j = i;
    while (j < bytes.size() && bytes[j] != '\n' && bytes[j] != '\r') ++j;
    if (j == bytes.size()) {
      line_.append(bytes.substr(i));
      if (line_.size() > max_event_bytes_) {
        failed_ = true;
        return false;
      }
      return true;
    }
    std::string_view piece = bytes.substr(i, j - i);
    if (line_.empty()) {
      process_line(piece, out);
    } else {
      line_.append(piece);
      std::string line = std::move(line_);
      line_.clear();
      process_line(line, out);
    }
    if (failed_) return false;
    if (bytes[j] == '\r') {
      if (j + 1 < bytes.size()) {
        i = (bytes[j + 1] == '\n') ? j + 2 : j + 1;
      } else {
        pending_cr_ = true;
        i = j + 1;
      }
    } else {
      i = j + 1;
    }
  }
  return true;
}

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  if (!feed(bytes, out)) out.clear();
  return out;
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (first_line_) {
    first_line_ = false;
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  }
  if (line.empty()) {
    if (has_data_) out.push_back(std::move(current_));
    current_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (line[0] == ':') {
    ++comments_;
    return;
  }
  std::string_view field = line;
  std::string_view value;
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    has_data_ = true;
    if (current_.data.size() > max_event_bytes_) failed_ = true;
  } else if (field == "event") {
    current_.event.assign(value);
  } else if (field == "id") {
    // The spec ignores ids containing NUL.
    if (value.find('\0') == std::string_view::npos) current_.id.assign(value);
  } else if (field == "retry") {
    long ms = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && p == value.data() + value.size()) current_.retry_ms = ms;
  }
}

}  // namespace ragcache::http
