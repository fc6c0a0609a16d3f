#include "embed/char_classes.h"

#include <algorithm>

namespace ragcache::embed {
namespace {

// Latin-1 Supplement letters U+00C0..U+00FF folded to lower-case ASCII ('\0' = keep as is).
constexpr char kLatin1Fold[64 + 1] =
    "aaaaaaaceeeeiiii"   // C0-CF
    "dnooooo\0ouuuuyts"  // D0-DF (D7 = multiplication sign, DE = thorn, DF = sharp s)
    "aaaaaaaceeeeiiii"   // E0-EF
    "dnooooo\0ouuuuyty"; // F0-FF (F7 = division sign, FE = thorn)

}  // namespace

bool is_ascii(std::string_view utf8) {
  return std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char32_t fold(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp >= 0xC0 && cp <= 0xFF) {
    const char c = kLatin1Fold[cp - 0xC0];
    return c ? static_cast<char32_t>(c) : cp;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    // Latin Extended-A: pairs upper/lower; map to the base ASCII letter for the common ones.
    static constexpr char kExtA[0x80 + 1] =
        "aaaaaaccccccccdd"   // 100-10F
        "ddeeeeeeeeeegggg"   // 110-11F
        "gggghhhhiiiiiiii"   // 120-12F
        "iijjjjkkklllllll"   // 130-13F
        "lllnnnnnnnnnoooo"   // 140-14F
        "oooorrrrrrssssss"   // 150-15F
        "ssttttttuuuuuuuu"   // 160-16F
        "uuuuwwyyyzzzzzzs";  // 170-17F
    static_assert(sizeof(kExtA) == 0x81);
    return static_cast<char32_t>(kExtA[cp - 0x100]);
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;  // Greek capitals
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                   // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                   // Cyrillic Ѐ-Џ
  if (cp >= 0xFF01 && cp <= 0xFF5E) return fold(cp - 0xFF01 + 0x21);  // fullwidth ASCII
  if (cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0xFF07) return '\'';
  return cp;
}

bool is_cjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK Unified Ideographs
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // Extension A
         (cp >= 0x20000 && cp <= 0x2FA1F) ||  // Extensions B.. and compatibility supplement
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // Compatibility Ideographs
         (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||    // Katakana extensions
         (cp >= 0xFF66 && cp <= 0xFF9F);      // halfwidth Katakana
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // Latin-1 punctuation/symbols
  if (cp == 0xD7 || cp == 0xF7) return false;                     // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, math, boxes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE6F) return false;  // CJK compatibility / small forms
  if (cp >= 0xFF00 && cp <= 0xFF65) return false;  // fullwidth punctuation (letters are folded first)
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  if (cp == 0xFFFD || (cp >= 0xE000 && cp <= 0xF8FF)) return false;  // replacement, private use
  return true;
}

}  // namespace ragcache::embed
