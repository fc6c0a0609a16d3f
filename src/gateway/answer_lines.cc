#include "gateway/answer_lines.h"

namespace ragcache::gateway {

namespace {

std::string line(char tag, std::string_view json) {
  std::string out;
  out.reserve(json.size() + 2);
  out += tag;
  // JSON spread over several lines (pretty-printed, or just ending in a newline): the same
  // document on one line. A line break inside a JSON string is always escaped, so the raw ones
  // are whitespace between tokens and can go without parsing.
  // (Two memchr scans: find_first_of("\r\n") calls memchr once per character of json.)
  if (json.find('\n') != std::string_view::npos || json.find('\r') != std::string_view::npos) {
    for (char c : json) {
      if (c != '\r' && c != '\n') out += c;
    }
  } else {
    out += json;
  }
  out += '\n';
  return out;
}

}  // namespace

std::string event_line(std::string_view json) { return line(kEventTag, json); }
std::string answer_line(std::string_view json) { return line(kAnswerTag, json); }

}  // namespace ragcache::gateway
