#include "embed/nfkc.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "embed/char_classes.h"
#include "tokens/utf8.h"

namespace ragcache::embed {

// UTF-8 is tokens/utf8.h's (the one UTF-8 module); embed keeps only its character classes.
using tokens::decode_utf8;

std::u32string nfkc_code_points(std::string_view utf8) {
  if (is_ascii(utf8)) {
    return std::u32string(utf8.begin(), utf8.end());
  }
  const std::u32string decoded = decode_utf8(utf8);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || nfkc == nullptr) return decoded;  // ICU data missing: no better answer
  const auto source = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(decoded.data()),
                                                    static_cast<std::int32_t>(decoded.size()));
  const icu::UnicodeString normalised = nfkc->normalize(source, status);
  if (U_FAILURE(status)) return decoded;
  std::u32string out;
  out.reserve(static_cast<std::size_t>(normalised.length()));
  for (std::int32_t i = 0; i < normalised.length(); i = normalised.moveIndex32(i, 1)) {
    out.push_back(static_cast<char32_t>(normalised.char32At(i)));
  }
  return out;
}

}  // namespace ragcache::embed
