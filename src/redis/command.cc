#include "redis/command.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace ragcache::redis {

Command& Command::arg(std::string_view value) {
  char len[24];
  auto [end, ec] = std::to_chars(len, len + sizeof len, value.size());
  body_.reserve(body_.size() + value.size() + 16);
  body_ += '$';
  body_.append(len, end);
  body_ += "\r\n";
  body_.append(value);
  body_ += "\r\n";
  ++count_;
  return *this;
}

Command& Command::arg(double value) {
  char buf[64];
  // %.17g round-trips every double, which is what Redis parses for scores.
  int n = std::snprintf(buf, sizeof buf, "%.17g", value);
  return arg(std::string_view(buf, static_cast<std::size_t>(n)));
}

void Command::append_to(std::string& out) const {
  char len[24];
  auto [end, ec] = std::to_chars(len, len + sizeof len, count_);
  out += '*';
  out.append(len, end);
  out += "\r\n";
  out += body_;
}

std::string Command::encoded() const {
  std::string out;
  out.reserve(body_.size() + 16);
  append_to(out);
  return out;
}

std::string_view Command::arg_at(std::size_t i) const {
  std::size_t pos = 0;
  for (std::size_t k = 0; k < count_; ++k) {
    // body_ is "$<len>\r\n<bytes>\r\n" repeated; we wrote it, so it is well formed.
    std::size_t crlf = body_.find("\r\n", pos);
    std::size_t len = 0;
    std::from_chars(body_.data() + pos + 1, body_.data() + crlf, len);
    std::size_t start = crlf + 2;
    if (k == i) return std::string_view(body_).substr(start, len);
    pos = start + len + 2;
  }
  return {};
}

std::string Command::name() const {
  std::string n(arg_at(0));
  for (auto& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n;
}

}  // namespace ragcache::redis
