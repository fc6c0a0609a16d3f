// The pre-tokenizer patterns of cl100k_base and o200k_base, and their translation to PCRE2.
//
// OpenAI's patterns are written for Rust's `regex`/`fancy-regex`, where `\s` means the Unicode
// White_Space property. PCRE2's `\s` (with PCRE2_UCP) means "separator category Z plus \t\n\v\f\r"
// instead, which differs on U+0085 NEXT LINE (White_Space but category Cc). So the translation
// spells `\s` out as the White_Space set, inside and outside character classes, and `\S` as its
// complement; everything else in these patterns (\p{..} classes, (?i:..), (?!..), {1,3}) means
// the same in both engines. (JavaScript's `\s` differs again: it includes U+FEFF, which is why
// js-tiktoken counts differently from the WASM package on it.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ragcache::tokens {

// The patterns as OpenAI publishes them (tiktoken_ext/openai_public.py).
inline constexpr std::string_view kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// The Unicode White_Space code points as the body of a PCRE2 character class.
inline constexpr std::string_view kWhiteSpaceClassBody =
    R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

// Rewrites a Rust-regex tokenizer pattern for PCRE2 (see above). Returns nullopt for a construct
// the translation cannot express (`\S` inside a character class, a trailing backslash).
std::optional<std::string> to_pcre2_pattern(std::string_view rust_pattern);

}  // namespace ragcache::tokens
