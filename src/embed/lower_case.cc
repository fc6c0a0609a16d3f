#include "embed/lower_case.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include "embed/char_classes.h"

namespace ragcache::embed {

std::string lower_case_utf8(std::string_view utf8) {
  std::string out;
  if (is_ascii(utf8)) {
    out.assign(utf8);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  const icu::StringPiece piece(utf8.data(), static_cast<std::int32_t>(utf8.size()));
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(piece);
  text.toLower(icu::Locale::getRoot());
  text.toUTF8String(out);
  return out;
}

}  // namespace ragcache::embed
