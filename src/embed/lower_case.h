// Lower-casing of UTF-8 text (Unicode's default, locale-independent mapping, through ICU), for
// the question the neural encoder sees: USE-lite reads "What is the capital of France?" and
// "what is the capital of france" as different sentences (cosine 0.92, under the built-in
// rule's threshold), though a person asks the same.
#pragma once

#include <string>
#include <string_view>

namespace ragcache::embed {

// `utf8` in lower case. ASCII text is mapped without calling ICU. Invalid UTF-8 sequences become
// U+FFFD (what the tokenizer would make of them anyway).
std::string lower_case_utf8(std::string_view utf8);

}  // namespace ragcache::embed
