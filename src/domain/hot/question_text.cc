#include "domain/hot/question_text.h"

#include <algorithm>

#include "tokens/utf8.h"

namespace ragcache::hot {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_trailing_punct(char c) { return c == '?' || c == '!' || c == '.'; }

}  // namespace

std::string normalize_question(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes + 8));
  bool pending_space = false;
  for (unsigned char c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    if (out.size() > max_bytes + 4) break;  // enough to cut from; the rest cannot survive
  }
  while (!out.empty() && (is_trailing_punct(out.back()) || out.back() == ' ')) out.pop_back();
  out.resize(tokens::utf8_prefix(out, max_bytes).size());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace ragcache::hot
