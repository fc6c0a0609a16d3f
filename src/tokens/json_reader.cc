#include "tokens/json_reader.h"

#include "tokens/utf8.h"

namespace ragcache::tokens {
namespace {
constexpr int kMaxDepth = 64;  // deeper nesting is not ours to read; refuse instead of recursing
}

bool JsonReader::skip_whitespace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return true;
    ++pos_;
  }
  return false;
}

bool JsonReader::consume(char c) {
  if (!skip_whitespace() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

bool JsonReader::at_end() { return !skip_whitespace(); }

bool JsonReader::read_hex4(std::uint32_t& out) {
  if (pos_ + 4 > text_.size()) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = text_[pos_++];
    out <<= 4;
    if (c >= '0' && c <= '9')
      out |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      out |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      out |= static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return false;
  }
  return true;
}

bool JsonReader::read_string(std::string& out) {
  out.clear();
  if (!consume('"')) return false;
  while (pos_ < text_.size()) {
    // Copy the run of plain characters in one go: rank strings are megabytes long.
    std::size_t run = pos_;
    while (run < text_.size() && text_[run] != '"' && text_[run] != '\\' &&
           static_cast<unsigned char>(text_[run]) >= 0x20) {
      ++run;
    }
    out.append(text_.substr(pos_, run - pos_));
    pos_ = run;
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    if (c == '"') return true;
    if (c != '\\') return false;  // a raw control character
    if (pos_ >= text_.size()) return false;
    const char e = text_[pos_++];
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        std::uint32_t cp = 0;
        if (!read_hex4(cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate: a low one must follow to make a pair.
          std::uint32_t low = 0;
          const std::size_t save = pos_;
          if (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
            pos_ += 2;
            if (!read_hex4(low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
              break;
            }
          }
          pos_ = save;
          cp = 0xFFFD;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return false;
}

bool JsonReader::read_unsigned(std::uint64_t& out) {
  if (!skip_whitespace()) return false;
  const std::size_t begin = pos_;
  out = 0;
  while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
    if (out > (UINT64_MAX - 9) / 10) return false;
    out = out * 10 + static_cast<std::uint64_t>(text_[pos_++] - '0');
  }
  return pos_ > begin;
}

bool JsonReader::skip_value() {
  if (!skip_whitespace()) return false;
  const char c = text_[pos_];
  if (c == '"') {
    std::string ignored;
    return read_string(ignored);
  }
  if (c == '{' || c == '[') {
    if (++depth_ > kMaxDepth) return false;
    const char close = c == '{' ? '}' : ']';
    ++pos_;
    if (consume(close)) {
      --depth_;
      return true;
    }
    do {
      if (c == '{') {
        std::string key;
        if (!read_string(key) || !consume(':')) return false;
      }
      if (!skip_value()) return false;
    } while (consume(','));
    --depth_;
    return consume(close);
  }
  // A number or literal: its characters up to the next delimiter.
  const std::size_t begin = pos_;
  while (pos_ < text_.size()) {
    const char d = text_[pos_];
    if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r') break;
    ++pos_;
  }
  return pos_ > begin;
}

std::optional<std::string> decode_json_string(std::string_view text) {
  JsonReader reader(text);
  std::string out;
  if (!reader.read_string(out) || !reader.at_end()) return std::nullopt;
  return out;
}

}  // namespace ragcache::tokens
