// The little Unicode the built-in embedder needs, without ICU: UTF-8 decoding that never fails
// (bad bytes become U+FFFD), a case fold for the scripts with case (Latin, Greek, Cyrillic, plus
// fullwidth ASCII and Latin-1 accents folded away), and the character classes the tokenizer
// splits on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragcache::embed {

// Code points of `text`; each invalid or truncated sequence becomes one U+FFFD.
std::u32string decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view cps);

// Lower case, fullwidth forms to ASCII, Latin-1/Latin Extended-A letters without accents,
// typographic apostrophes to '.
char32_t fold(char32_t cp);

// Han ideographs, Hiragana, Katakana: scripts written without spaces between words.
bool is_cjk(char32_t cp);
bool is_digit(char32_t cp);
// A letter of any script (heuristic: not a digit, space, control, punctuation or symbol block).
bool is_letter(char32_t cp);

}  // namespace ragcache::embed
