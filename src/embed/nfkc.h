// Unicode NFKC normalisation (compatibility decomposition, then canonical composition), through
// ICU: the form JavaScript's String.prototype.normalize("NFKC") gives, which the USE-lite
// tokenizer applies before it looks up pieces ("ﬁ" -> "fi", fullwidth "Ａ" -> "A", "①" -> "1").
#pragma once

#include <string>
#include <string_view>

namespace ragcache::embed {

// The NFKC form of `utf8` as code points. Invalid UTF-8 sequences become U+FFFD first (as
// decode_utf8 does). ASCII text is returned as it is without calling ICU (it is already NFKC).
std::u32string nfkc_code_points(std::string_view utf8);

}  // namespace ragcache::embed
