#include "tokens/ascii_scanner.h"

#include <array>
#include <cstdint>

#include "tokens/pattern.h"

namespace ragcache::tokens {
namespace {

// Character classes of one byte. Non-ASCII bytes are kOther: "unknown", never decided here.
enum : std::uint8_t {
  kUpper = 1,     // A-Z   (\p{Lu})
  kLower = 2,     // a-z   (\p{Ll})
  kDigit = 4,     // 0-9   (\p{N})
  kSpace = 8,     // \t \n \v \f \r and ' '  (White_Space)
  kNewline = 16,  // \r \n
  kPunct = 32,    // any other ASCII character: [^\s\p{L}\p{N}]
  kNonAscii = 64,
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t k = 0;
    if (c >= 0x80)
      k = kNonAscii;
    else if (c >= 'A' && c <= 'Z')
      k = kUpper;
    else if (c >= 'a' && c <= 'z')
      k = kLower;
    else if (c >= '0' && c <= '9')
      k = kDigit;
    else if (c == '\r' || c == '\n')
      k = kSpace | kNewline;
    else if (c == '\t' || c == 0x0B || c == 0x0C || c == ' ')
      k = kSpace;
    else
      k = kPunct;
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}

constexpr auto kClasses = make_classes();
constexpr std::uint8_t kLetter = kUpper | kLower;

// Cursor over the text: class of the byte at i; the end of text acts as a class of its own (0),
// which is "not a member" of every class, as the end of the subject is for the regex.
struct Text {
  std::string_view s;
  std::uint8_t at(std::size_t i) const {
    return i < s.size() ? kClasses[static_cast<unsigned char>(s[i])] : 0;
  }
  // End of the run of bytes in `members` from i. Sets `unknown` if the run stops at a non-ASCII
  // byte (which might belong to the Unicode class the ASCII members stand for).
  std::size_t run(std::size_t i, std::uint8_t members, bool& unknown) const {
    while (at(i) & members) ++i;
    if (at(i) & kNonAscii) unknown = true;
    return i;
  }
};

constexpr std::size_t kUnknown = 0;

// (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: its end, or i if none. Unknown if a letter that decides it
// is non-ASCII ('ſ' matches 's' case-insensitively).
std::size_t contraction(const Text& t, std::size_t i, bool& unknown) {
  if (i >= t.s.size() || t.s[i] != '\'') return i;
  auto lower_at = [&](std::size_t j) -> char {
    if (t.at(j) & kNonAscii) unknown = true;
    if (j >= t.s.size()) return 0;
    const char c = t.s[j];
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  };
  const char a = lower_at(i + 1);
  if (unknown) return i;
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
  if (a == 'r' || a == 'v' || a == 'l') {
    const char b = lower_at(i + 2);
    if (unknown) return i;
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
  }
  return i;
}

// \p{N}{1,3}
std::size_t digits(const Text& t, std::size_t i, bool& unknown) {
  std::size_t j = i;
  while (j < i + 3 && (t.at(j) & kDigit)) ++j;
  if (j < i + 3 && (t.at(j) & kNonAscii)) unknown = true;
  return j;
}

// ` ?[^\s\p{L}\p{N}]+` followed by the trailing set (`[\r\n]*` or `[\r\n/]*`); returns i if none.
std::size_t punctuation(const Text& t, std::size_t i, bool slash_trails, bool& unknown) {
  std::size_t start = i;
  if (t.s[i] == ' ' && (t.at(i + 1) & (kPunct | kNonAscii))) start = i + 1;
  if (t.at(start) & kNonAscii) {
    unknown = true;
    return i;
  }
  if (!(t.at(start) & kPunct)) return i;
  std::size_t j = t.run(start, kPunct, unknown);
  if (unknown) return i;
  while (j < t.s.size() && ((t.at(j) & kNewline) || (slash_trails && t.s[j] == '/'))) ++j;
  return j;
}

// The three white-space alternatives: \s*[\r\n]+ | \s+(?!\S) | \s+, at a white-space byte.
std::size_t whitespace(const Text& t, std::size_t i, bool& unknown) {
  const std::size_t j = t.run(i, kSpace, unknown);
  if (unknown) return kUnknown;
  // \s*[\r\n]+: the run up to and including its last newline.
  for (std::size_t k = j; k > i; --k) {
    if (t.at(k - 1) & kNewline) return k;
  }
  // \s+(?!\S): all of it at the end of the text, else all but the last character.
  if (j == t.s.size()) return j;
  if (j - i >= 2) return j - 1;
  return j;  // \s+
}

std::size_t cl100k_match(const Text& t, std::size_t i) {
  bool unknown = false;
  const std::uint8_t c = t.at(i);
  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
  if (t.s[i] == '\'') {
    const std::size_t end = contraction(t, i, unknown);
    if (unknown) return kUnknown;
    if (end > i) return end;
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (c & kLetter) {
    const std::size_t end = t.run(i, kLetter, unknown);
    return unknown ? kUnknown : end;
  }
  if (c & (kPunct | kSpace)) {
    if (!(c & kNewline)) {
      if (t.at(i + 1) & kNonAscii) return kUnknown;
      if (t.at(i + 1) & kLetter) {
        const std::size_t end = t.run(i + 1, kLetter, unknown);
        return unknown ? kUnknown : end;
      }
    }
  }
  // \p{N}{1,3}
  if (c & kDigit) {
    const std::size_t end = digits(t, i, unknown);
    return unknown ? kUnknown : end;
  }
  // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
  {
    const std::size_t end = punctuation(t, i, false, unknown);
    if (unknown) return kUnknown;
    if (end > i) return end;
  }
  if (c & kSpace) return whitespace(t, i, unknown);
  return kUnknown;
}

// o200k's letter alternatives after an optional prefix, body starting at s:
//   [upper]*[lower]+ contraction?   then   [upper]+[lower]* contraction?
// (in ASCII the upper and lower sets are disjoint, so the greedy runs never need to give back).
std::size_t o200k_word(const Text& t, std::size_t s, bool& unknown) {
  const std::size_t upper_end = t.run(s, kUpper, unknown);
  if (unknown) return kUnknown;
  const std::size_t lower_end = t.run(upper_end, kLower, unknown);
  if (unknown) return kUnknown;
  if (lower_end == s) return kUnknown;  // caller checked s is a letter; cannot happen
  const std::size_t end = contraction(t, lower_end, unknown);
  return unknown ? kUnknown : end;
}

std::size_t o200k_match(const Text& t, std::size_t i) {
  bool unknown = false;
  const std::uint8_t c = t.at(i);
  if (c & kLetter) return o200k_word(t, i, unknown);
  if ((c & (kPunct | kSpace)) && !(c & kNewline)) {
    if (t.at(i + 1) & kNonAscii) return kUnknown;
    if (t.at(i + 1) & kLetter) return o200k_word(t, i + 1, unknown);
  }
  if (c & kDigit) {
    const std::size_t end = digits(t, i, unknown);
    return unknown ? kUnknown : end;
  }
  {
    const std::size_t end = punctuation(t, i, true, unknown);
    if (unknown) return kUnknown;
    if (end > i) return end;
  }
  if (c & kSpace) return whitespace(t, i, unknown);
  return kUnknown;
}

}  // namespace

PatternFlavor flavor_of(std::string_view rust_pattern) {
  if (rust_pattern == kCl100kPattern) return PatternFlavor::cl100k;
  if (rust_pattern == kO200kPattern) return PatternFlavor::o200k;
  return PatternFlavor::other;
}

std::size_t ascii_match_end(std::string_view text, std::size_t offset, PatternFlavor flavor) {
  const Text t{text};
  if (offset >= text.size() || (t.at(offset) & kNonAscii)) return kUnknown;
  switch (flavor) {
    case PatternFlavor::cl100k:
      return cl100k_match(t, offset);
    case PatternFlavor::o200k:
      return o200k_match(t, offset);
    case PatternFlavor::other:
      break;
  }
  return kUnknown;
}

}  // namespace ragcache::tokens
