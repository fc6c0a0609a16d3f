// The little Unicode the built-in embedder needs, without ICU, on code points (decoded with
// tokens/utf8.h): a case fold for the scripts with case (Latin, Greek, Cyrillic, plus fullwidth
// ASCII and Latin-1 accents folded away), and the character classes its tokenizer splits on.
#pragma once

#include <string_view>

namespace ragcache::embed {

// True when every byte is ASCII: the fast path of the ICU-backed steps (NFKC, lower case), which
// leave such text as it is or map it byte by byte.
bool is_ascii(std::string_view utf8);

// Lower case, fullwidth forms to ASCII, Latin-1/Latin Extended-A letters without accents,
// typographic apostrophes to '.
char32_t fold(char32_t cp);

// Han ideographs, Hiragana, Katakana: scripts written without spaces between words.
bool is_cjk(char32_t cp);
bool is_digit(char32_t cp);
// A letter of any script (heuristic: not a digit, space, control, punctuation or symbol block).
bool is_letter(char32_t cp);

}  // namespace ragcache::embed
