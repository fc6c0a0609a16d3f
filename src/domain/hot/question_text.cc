#include "domain/hot/question_text.h"

#include <algorithm>

#include "tokens/utf8.h"

namespace ragcache::hot {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_trailing_punct(char c) { return c == '?' || c == '!' || c == '.'; }

}  // namespace

std::string normalize_question(std::string_view text, std::size_t max_bytes) {
  // Written through a pointer into a buffer sized once (on every answered request, twice per
  // request before: appending char by char cost more than the rest of the hot-question path).
  const std::size_t cap = std::min(text.size(), max_bytes + 5);
  std::string out(cap, '\0');
  char* const begin = out.data();
  char* p = begin;
  char* const limit = begin + cap;
  bool pending_space = false;
  for (unsigned char c : text) {
    if (is_space(c)) {
      pending_space = p != begin;
      continue;
    }
    if (pending_space) {
      if (p == limit) break;
      *p++ = ' ';
      pending_space = false;
    }
    if (p == limit) break;  // enough to cut from; the rest cannot survive
    *p++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  out.resize(static_cast<std::size_t>(p - begin));
  while (!out.empty() && (is_trailing_punct(out.back()) || out.back() == ' ')) out.pop_back();
  out.resize(tokens::utf8_prefix(out, max_bytes).size());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace ragcache::hot
