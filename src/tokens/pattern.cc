#include "tokens/pattern.h"

namespace ragcache::tokens {

std::optional<std::string> to_pcre2_pattern(std::string_view rust_pattern) {
  std::string out;
  out.reserve(rust_pattern.size() * 2);
  bool in_class = false;
  for (std::size_t i = 0; i < rust_pattern.size(); ++i) {
    const char c = rust_pattern[i];
    if (c == '\\') {
      if (i + 1 >= rust_pattern.size()) return std::nullopt;
      const char e = rust_pattern[++i];
      if (e == 's') {
        if (in_class) {
          out += kWhiteSpaceClassBody;
        } else {
          out += '[';
          out += kWhiteSpaceClassBody;
          out += ']';
        }
      } else if (e == 'S') {
        if (in_class) return std::nullopt;
        out += "[^";
        out += kWhiteSpaceClassBody;
        out += ']';
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' or '^]' right after '[' is a literal, not the end of the class.
      if (i + 1 < rust_pattern.size() && rust_pattern[i + 1] == '^') out += rust_pattern[++i];
      if (i + 1 < rust_pattern.size() && rust_pattern[i + 1] == ']') out += rust_pattern[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  if (in_class) return std::nullopt;
  return out;
}

}  // namespace ragcache::tokens
