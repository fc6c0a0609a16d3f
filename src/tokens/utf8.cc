#include "tokens/utf8.h"

#include <cstdint>
#include <cstring>

namespace ragcache::tokens {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

struct LeadInfo {
  int needed;          // continuation bytes still needed; -1 = not a valid lead byte
  std::uint8_t lower;  // allowed range of the first continuation byte
  std::uint8_t upper;
};

// The lead-byte table of the WHATWG UTF-8 decoder: it narrows the first continuation byte's range
// to exclude overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
LeadInfo lead_info(std::uint8_t b) {
  if (b < 0x80) return {0, 0x80, 0xBF};
  if (b >= 0xC2 && b <= 0xDF) return {1, 0x80, 0xBF};
  if (b == 0xE0) return {2, 0xA0, 0xBF};
  if (b == 0xED) return {2, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {2, 0x80, 0xBF};
  if (b == 0xF0) return {3, 0x90, 0xBF};
  if (b == 0xF4) return {3, 0x80, 0x8F};
  if (b >= 0xF1 && b <= 0xF3) return {3, 0x80, 0xBF};
  return {-1, 0, 0};
}

// Length of the valid sequence starting at text[i], or the length of the maximal invalid
// subsequence there as a negative number (always at least 1 byte).
long sequence_at(std::string_view text, std::size_t i) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const LeadInfo info = lead_info(p[i]);
  if (info.needed < 0) return -1;
  std::size_t j = i + 1;
  std::uint8_t lower = info.lower;
  std::uint8_t upper = info.upper;
  for (int k = 0; k < info.needed; ++k, ++j) {
    if (j >= text.size() || p[j] < lower || p[j] > upper) return -static_cast<long>(j - i);
    lower = 0x80;
    upper = 0xBF;
  }
  return static_cast<long>(j - i);
}

}  // namespace

std::size_t valid_utf8_prefix(std::string_view text) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // ASCII fast path: eight bytes at a time.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const long len = sequence_at(text, i);
    if (len < 0) return i;
    i += static_cast<std::size_t>(len);
  }
  return n;
}

std::string repair_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t good = valid_utf8_prefix(text.substr(i));
    out.append(text.substr(i, good));
    i += good;
    if (i >= text.size()) break;
    const long len = sequence_at(text, i);  // negative: the invalid subsequence
    out.append(kReplacement);
    i += static_cast<std::size_t>(-len);
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    if (p[i] < 0x80) {
      out.push_back(p[i++]);
      continue;
    }
    const long len = sequence_at(text, i);
    if (len < 0) {
      out.push_back(0xFFFD);
      i += static_cast<std::size_t>(-len);
      continue;
    }
    // A valid sequence: the lead byte's payload bits, then six bits per continuation byte.
    char32_t cp = p[i] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (long k = 1; k < len; ++k) cp = (cp << 6) | (p[i + static_cast<std::size_t>(k)] & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) append_utf8(out, cp);
  return out;
}

}  // namespace ragcache::tokens
