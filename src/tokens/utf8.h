// The one UTF-8 module of ragcache: checking, repair, decoding to code points and encoding back,
// and cutting text on a character boundary. (Character classes for the built-in embedder are in
// embed/char_classes.h; the token counter's estimate in domain/session only skips bytes.)
//
// The pre-tokenizer (PCRE2 in UTF mode) needs valid UTF-8. Text that is not valid UTF-8 is
// repaired the way the WHATWG Encoding Standard's UTF-8 decoder does it (what JavaScript's
// TextDecoder, and hence the npm `tiktoken` oracle fed with such bytes, sees): every maximal
// invalid subsequence becomes one U+FFFD REPLACEMENT CHARACTER (EF BF BD). So counting invalid
// bytes never crashes and gives the count of the text a browser or Node would decode them to.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ragcache::tokens {

// Length of the longest valid UTF-8 prefix of `text` (== text.size() when all of it is valid).
// Surrogates (ED A0..BF ..), overlong forms and code points above U+10FFFF are invalid.
std::size_t valid_utf8_prefix(std::string_view text);

// `text` with each maximal invalid subsequence replaced by U+FFFD (WHATWG decoder semantics).
std::string repair_utf8(std::string_view text);

// Code points of `text`, with the same replacement: decoding never fails.
std::u32string decode_utf8(std::string_view text);
// UTF-8 of one code point (cp <= U+10FFFF) / of many.
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view cps);

// The longest prefix of `text` of at most max_bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace ragcache::tokens
