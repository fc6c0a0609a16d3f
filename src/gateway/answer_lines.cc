#include "gateway/answer_lines.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ragcache::gateway {

namespace {

std::string line(char tag, std::string_view json) {
  std::string out;
  if (json.find_first_of("\r\n") != std::string_view::npos) {
    // JSON spread over several lines (pretty-printed): the same document on one line. (A
    // newline inside a JSON string is always escaped, so only whitespace between tokens goes.)
    boost::system::error_code ec;
    auto doc = boost::json::parse(json, ec);
    std::string compact = ec ? std::string() : boost::json::serialize(doc);
    if (ec) {
      for (char c : json) {
        if (c != '\r' && c != '\n') compact += c;
      }
    }
    out.reserve(compact.size() + 2);
    out += tag;
    out += compact;
  } else {
    out.reserve(json.size() + 2);
    out += tag;
    out += json;
  }
  out += '\n';
  return out;
}

}  // namespace

std::string event_line(std::string_view json) { return line(kEventTag, json); }
std::string answer_line(std::string_view json) { return line(kAnswerTag, json); }

}  // namespace ragcache::gateway
