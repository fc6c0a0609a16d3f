// A hand-written fast path for the pre-tokenizer on ASCII text.
//
// PCRE2's JIT spends most of its time on per-match set-up and Unicode property lookups, yet most
// text the gateway sees is English and code, where every decision is about ASCII characters.
// For the two OpenAI patterns this scanner finds the match starting at a given offset exactly as
// the regex would (alternatives tried in order, greedy runs, the optional prefix and contraction,
// `\s+(?!\S)` giving back one space) as long as every character that decides the match is ASCII.
// The moment a decision would depend on a non-ASCII character (is it a letter? an upper-case
// one? white space?) it answers "don't know" and the caller asks PCRE2 for that one match. So
// mixing the two never changes the result; pretokenizer_test.cc checks this differentially.
#pragma once

#include <cstddef>
#include <string_view>

namespace ragcache::tokens {

enum class PatternFlavor {
  other,   // no fast path: PCRE2 for every match
  cl100k,  // kCl100kPattern
  o200k,   // kO200kPattern
};

// The flavor of a pattern written exactly as OpenAI publishes it, else PatternFlavor::other.
PatternFlavor flavor_of(std::string_view rust_pattern);

// End of the match that starts at `offset` (< text.size()), or 0 when the fast path cannot decide
// it (a match is never empty, so 0 is free to mean "ask PCRE2").
std::size_t ascii_match_end(std::string_view text, std::size_t offset, PatternFlavor flavor);

}  // namespace ragcache::tokens
