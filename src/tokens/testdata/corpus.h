// A deterministic, varied text corpus for checking the tokenizer against the npm `tiktoken`
// oracle and for benchmarking it: English prose with contractions, Chinese/Japanese/Korean, code
// (spaces, tabs, CRLF), emoji (ZWJ sequences, flags, skin tones), long whitespace runs, U+FEFF,
// U+0085 and the other Unicode spaces, many scripts and number forms, special-token text, long
// unbroken strings (base64, repeats, digits) and, when asked, invalid UTF-8.
//
// Header-only so the tests and bench/tokens share it. Uses its own PRNG (splitmix64) and no
// std:: distributions, so the corpus is the same on every platform and standard library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokens/utf8.h"

namespace ragcache::tokens::testdata {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform-enough integer in [lo, hi].
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }
  bool chance(int percent) { return static_cast<int>(next() % 100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[next() % v.size()];
  }

 private:
  std::uint64_t state_;
};

inline void append_code_point(std::string& out, std::uint32_t cp) { append_utf8(out, cp); }

namespace detail {

inline const std::vector<std::string>& english_words() {
  static const std::vector<std::string> words = {"the",
                                                 "of",
                                                 "and",
                                                 "to",
                                                 "in",
                                                 "is",
                                                 "that",
                                                 "for",
                                                 "it",
                                                 "as",
                                                 "was",
                                                 "with",
                                                 "be",
                                                 "by",
                                                 "on",
                                                 "not",
                                                 "he",
                                                 "this",
                                                 "are",
                                                 "or",
                                                 "his",
                                                 "from",
                                                 "at",
                                                 "which",
                                                 "but",
                                                 "have",
                                                 "an",
                                                 "had",
                                                 "they",
                                                 "you",
                                                 "were",
                                                 "their",
                                                 "one",
                                                 "all",
                                                 "we",
                                                 "can",
                                                 "her",
                                                 "has",
                                                 "there",
                                                 "been",
                                                 "if",
                                                 "more",
                                                 "when",
                                                 "will",
                                                 "would",
                                                 "who",
                                                 "so",
                                                 "no",
                                                 "cache",
                                                 "Redis",
                                                 "token",
                                                 "tokenizer",
                                                 "retrieval",
                                                 "augmented",
                                                 "generation",
                                                 "embedding",
                                                 "vector",
                                                 "semantic",
                                                 "latency",
                                                 "throughput",
                                                 "gateway",
                                                 "it's",
                                                 "don't",
                                                 "They'RE",
                                                 "we'll",
                                                 "I'M",
                                                 "you've",
                                                 "she'd",
                                                 "THEY'LL",
                                                 "can't",
                                                 "won't",
                                                 "O'Neill",
                                                 "rock'n'roll",
                                                 "it\xC5\xBF",
                                                 "dog\xE2\x80\x99s",
                                                 "naïve",
                                                 "café",
                                                 "résumé",
                                                 "Übergrößenträger",
                                                 "straße",
                                                 "coöperate",
                                                 "Ångström",
                                                 "Zürich",
                                                 "JavaScript",
                                                 "iPhone",
                                                 "McDonald",
                                                 "XMLHttpRequest",
                                                 "getElementById",
                                                 "HTTPServer",
                                                 "ragcache",
                                                 "OpenAI",
                                                 "GPT-4o",
                                                 "e.g.",
                                                 "i.e.",
                                                 "etc.",
                                                 "U.S.A.",
                                                 "3rd",
                                                 "21st",
                                                 "1990s",
                                                 "COVID-19",
                                                 "x86_64",
                                                 "v1.2.3",
                                                 "supercalifragilisticexpialidocious",
                                                 "antidisestablishmentarianism",
                                                 "hello",
                                                 "world",
                                                 "'s",
                                                 "'t",
                                                 "'re",
                                                 "'ve",
                                                 "'m",
                                                 "'ll",
                                                 "'d",
                                                 "'S",
                                                 "'T",
                                                 "'RE",
                                                 "'Ve",
                                                 "'M",
                                                 "'LL",
                                                 "'D",
                                                 "'\xC5\xBF"};
  return words;
}

inline const std::vector<std::string>& punctuation() {
  static const std::vector<std::string> p = {".",  ",",  "!", "?", ";", ":",   " -", " —", "...", "\"", "'",
                                             "(",  ")",  "[", "]", "/", " & ", " %", "$",  "#",   "@",  "*",
                                             "''", "``", "«", "»", "“", "”",   "–",  "…",  "/n",  "\\n"};
  return p;
}

inline const std::vector<std::string>& chinese_chars() {
  static const std::vector<std::string> c = {
      "的",     "一",     "是", "不", "了",     "人",         "我",   "在",   "有",   "他",   "这",
      "中",     "大",     "来", "上", "国",     "个",         "到",   "说",   "们",   "为",   "子",
      "和",     "你",     "地", "出", "道",     "也",         "时",   "年",   "得",   "就",   "那",
      "要",     "下",     "以", "生", "会",     "自",         "着",   "去",   "之",   "过",   "家",
      "学",     "对",     "可", "她", "缓存",   "向量",       "检索", "增强", "生成", "模型", "令牌",
      "数据库", "服务器", "，", "。", "！",     "？",         "、",   "：",   "；",   "（",   "）",
      "《",     "》",     "「", "」", "１２３", "二〇二四年", "第三"};
  return c;
}

inline const std::vector<std::string>& cjk_other() {
  static const std::vector<std::string> c = {"こんにちは", "世界",     "キャッシュ", "トークン", "です",
                                             "ます",       "ひらがな", "カタカナ",   "ｶﾀｶﾅ",     "안녕하세요",
                                             "세계",       "캐시",     "토큰",       "입니다",   "한국어",
                                             "ㄱㄴㄷ",     "𠀀𠀁",     "𪚥",         "〜",       "・"};
  return c;
}

inline const std::vector<std::string>& emoji() {
  static const std::vector<std::string> e = {"😀",
                                             "😂",
                                             "🥲",
                                             "❤️",
                                             "👍",
                                             "👍🏽",
                                             "👨‍👩‍👧‍👦",
                                             "🧑‍💻",
                                             "🏳️‍🌈",
                                             "🇺🇸",
                                             "🇯🇵",
                                             "🇩🇪",
                                             "🔥",
                                             "✨",
                                             "🚀",
                                             "💯",
                                             "🤖",
                                             "1️⃣",
                                             "#️⃣",
                                             "©️",
                                             "™",
                                             "☕",
                                             "🍕",
                                             "🐍",
                                             "🦀",
                                             "⚡",
                                             "🫠",
                                             "👩🏿‍🚀",
                                             "🤷‍♀️",
                                             "👁️‍🗨️",
                                             "🙂🙃",
                                             "💩💩💩"};
  return e;
}

inline const std::vector<std::string>& code_lines() {
  static const std::vector<std::string> c = {
      "int main(int argc, char** argv) {",
      "  return 0;",
      "}",
      "for (auto& x : items) total += x;",
      "def tokenize(text: str) -> list[int]:",
      "    return [ord(c) for c in text]",
      "if (a != b && c <= d || !e) { throw std::runtime_error(\"bad\"); }",
      "const fetch = async (url) => { const r = await fetch(url); return r.json(); };",
      "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC LIMIT 10;",
      "<div class=\"row\"><span id='x'>&nbsp;</span></div>",
      "#include <vector>",
      "std::unordered_map<std::string, std::vector<int>> index_;",
      "x = y ** 2 // 3 % 4",
      "    \"key\": [1, 2.5, -3e10, true, null],",
      "fn main() { println!(\"{}\", 42u64); }",
      "$ curl -s http://localhost:8080/v1/chat/completions | jq .",
      "ptr->next = nullptr; ++i;",
      "/* comment */ // another /// doc",
      "@@ -1,4 +1,5 @@",
      "a=1;b=2;c=a+b;",
      "x_1,x_2,x_3",
      "0x7FFFFFFF 0b1010 1_000_000 3.14159e-10",
      "user@example.com https://example.org/a?b=c&d=e#f",
      "C:\\Users\\name\\file.txt",
      "../../src/tokens/encoding.h:42:10: error:",
      "\\p{L}+|\\s+(?!\\S)"};
  return c;
}

// Code points, one per entry, from many scripts and categories (letters, marks, numbers of every
// kind, symbols, spaces, format characters).
inline const std::vector<std::uint32_t>& assorted_code_points() {
  static const std::vector<std::uint32_t> cps = {
      0x00C0,  0x00E9,  0x00DF,  0x0130, 0x0131, 0x017F, 0x01C5, 0x0391, 0x03B1,  0x03C2,  0x0410,  0x044F,
      0x05D0,  0x05E9,  0x0627,  0x0644, 0x0661, 0x06F5, 0x0905, 0x093F, 0x0966,  0x0E01,  0x0E31,  0x0E50,
      0x10D0,  0x1100,  0x1E9E,  0x1F00, 0x2160, 0x2170, 0x00B2, 0x00BD, 0x2075,  0x2460,  0x3007,  0x3021,
      0x0300,  0x0301,  0x0308,  0x0323, 0x20DD, 0xFE0F, 0x200D, 0x200B, 0x200C,  0x2060,  0x00AD,  0xFEFF,
      0x0085,  0x00A0,  0x1680,  0x180E, 0x2000, 0x2003, 0x2009, 0x200A, 0x2028,  0x2029,  0x202F,  0x205F,
      0x3000,  0x000B,  0x000C,  0x001F, 0x007F, 0x0080, 0x009F, 0x2212, 0x221E,  0x2211,  0x00D7,  0x20AC,
      0x00A3,  0x00A5,  0x2603,  0x2764, 0xE000, 0xF8FF, 0xFFFD, 0xFFFC, 0x1D400, 0x1D7CE, 0x10400, 0x10428,
      0x1F600, 0x20000, 0x2A6D6, 0x0E0E, 0x0F40, 0x1780, 0x13A0, 0xA000, 0x16A0,  0x1000,  0x0D05,  0x0B95,
      0x0C05,  0x0A05,  0x0985,  0x02B0, 0x02C6, 0x3005, 0x309D, 0xFF21, 0xFF41,  0xFF10,  0x1F130, 0x24B6,
      0x2CF9,  0x0483,  0x0903,  0x1AB0, 0x1DC0, 0x0488};
  return cps;
}

inline void add_whitespace(SplitMix64& rng, std::string& out) {
  static const std::vector<std::string> kinds = {" ",
                                                 "  ",
                                                 "\t",
                                                 "\n",
                                                 "\r\n",
                                                 "\r",
                                                 "\n\n",
                                                 " \n",
                                                 "\xC2\xA0",
                                                 "\xE3\x80\x80",
                                                 "\xE2\x80\xA8",
                                                 "\xC2\x85",
                                                 "\xEF\xBB\xBF",
                                                 "\xE2\x80\x8B",
                                                 "\xE2\x80\x83",
                                                 "\x0B",
                                                 "\x0C",
                                                 "\xE1\xA0\x8E"};
  const int mode = static_cast<int>(rng.between(0, 5));
  if (mode == 0) {
    out.append(rng.between(1, 300), ' ');  // long run of spaces
  } else if (mode == 1) {
    out.append(rng.between(1, 40), '\t');
  } else if (mode == 2) {
    for (std::uint64_t i = rng.between(1, 30); i > 0; --i) out += rng.pick(kinds);
  } else if (mode == 3) {
    out.append(rng.between(1, 20), '\n');
    out.append(rng.between(0, 20), ' ');
  } else {
    out += rng.pick(kinds);
  }
}

inline void add_english(SplitMix64& rng, std::string& out) {
  const std::uint64_t words = rng.between(3, 40);
  for (std::uint64_t i = 0; i < words; ++i) {
    if (i > 0) out += rng.chance(90) ? " " : (rng.chance(50) ? "  " : "\n");
    std::string w = rng.pick(english_words());
    if (rng.chance(10) && !w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32);
    if (rng.chance(3)) {
      for (char& c : w) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
    }
    out += w;
    if (rng.chance(12)) out += rng.pick(punctuation());
    if (rng.chance(6)) {
      out += ' ';
      const std::uint64_t limit = rng.chance(50) ? 100 : 100000000;  // draws in a fixed order
      out += std::to_string(rng.next() % limit);
    }
  }
  out += rng.chance(70) ? "." : rng.pick(punctuation());
}

inline void add_cjk(SplitMix64& rng, std::string& out) {
  const std::uint64_t n = rng.between(3, 60);
  for (std::uint64_t i = 0; i < n; ++i) {
    out += rng.chance(75) ? rng.pick(chinese_chars()) : rng.pick(cjk_other());
    if (rng.chance(4)) out += " ";
    if (rng.chance(3)) out += std::to_string(rng.next() % 10000);
  }
}

inline void add_code(SplitMix64& rng, std::string& out) {
  const std::uint64_t n = rng.between(1, 12);
  const bool crlf = rng.chance(20);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (rng.chance(30)) {
      const std::uint64_t levels = rng.between(1, 4);
      out.append(levels * (rng.chance(50) ? 2 : 4), ' ');
    } else if (rng.chance(15)) {
      out.append(rng.between(1, 3), '\t');
    }
    out += rng.pick(code_lines());
    if (rng.chance(5)) out.append(rng.between(1, 6), ' ');  // trailing spaces
    if (i + 1 < n) out += crlf ? "\r\n" : "\n";
  }
}

inline void add_emoji(SplitMix64& rng, std::string& out) {
  const std::uint64_t n = rng.between(1, 20);
  for (std::uint64_t i = 0; i < n; ++i) {
    out += rng.pick(emoji());
    if (rng.chance(40)) out += " ";
    if (rng.chance(20)) out += rng.pick(english_words());
  }
}

inline void add_assorted(SplitMix64& rng, std::string& out) {
  const std::uint64_t n = rng.between(1, 40);
  for (std::uint64_t i = 0; i < n; ++i) {
    append_code_point(out, rng.pick(assorted_code_points()));
    if (rng.chance(20)) out += " ";
    if (rng.chance(10)) out += rng.pick(english_words());
  }
}

inline void add_random_code_points(SplitMix64& rng, std::string& out) {
  // Whole planes of assigned and unassigned code points, surrogates excluded.
  const std::uint64_t n = rng.between(1, 30);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint32_t cp = 0;
    switch (rng.between(0, 3)) {
      case 0:
        cp = static_cast<std::uint32_t>(rng.between(0x20, 0x7FF));
        break;
      case 1:
        cp = static_cast<std::uint32_t>(rng.between(0x800, 0xD7FF));
        break;
      case 2:
        cp = static_cast<std::uint32_t>(rng.between(0xE000, 0xFFFD));
        break;
      default:
        cp = static_cast<std::uint32_t>(rng.between(0x10000, 0x2FFFF));
        break;
    }
    append_code_point(out, cp);
  }
}

inline void add_special_text(SplitMix64& rng, std::string& out) {
  static const std::vector<std::string> specials = {"<|endoftext|>",
                                                    "<|fim_prefix|>",
                                                    "<|fim_middle|>",
                                                    "<|fim_suffix|>",
                                                    "<|endofprompt|>",
                                                    "<|im_start|>",
                                                    "<|endoftext",
                                                    "<|",
                                                    "|>"};
  out += rng.pick(specials);
  if (rng.chance(50)) out += rng.pick(english_words());
}

inline void add_long_unbroken(SplitMix64& rng, std::string& out) {
  static const std::string b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::uint64_t n = rng.between(50, 3000);
  switch (rng.between(0, 4)) {
    case 0:
      for (std::uint64_t i = 0; i < n; ++i) out += b64[rng.next() % b64.size()];
      break;
    case 1:
      out.append(n, static_cast<char>('a' + rng.next() % 26));
      break;
    case 2:
      for (std::uint64_t i = 0; i < n; ++i) out += static_cast<char>('0' + rng.next() % 10);
      break;
    case 3:
      for (std::uint64_t i = 0; i < n / 4; ++i) out += rng.pick(chinese_chars());
      break;
    default:
      for (std::uint64_t i = 0; i < n / 2; ++i) out += "=-"[rng.next() % 2];
      break;
  }
}

inline void add_invalid_utf8(SplitMix64& rng, std::string& out) {
  static const std::vector<std::string> bad = {
      "\x80",        "\xBF",         "\xC0\xAF",         "\xC3",
      "\xE2\x82",    "\xED\xA0\x80", "\xF0\x9F\x98",     "\xF5\x80\x80\x80",
      "\xFF",        "\xFE\xFE",     "\xF4\x90\x80\x80", "\xE0\x80\x80",
      "\xC2\xC2\xA0"};
  const std::uint64_t n = rng.between(1, 6);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (rng.chance(60)) {
      out += rng.pick(bad);
    } else {
      out += static_cast<char>(rng.between(0x80, 0xFF));
    }
    if (rng.chance(50)) out += rng.pick(english_words());
  }
}

}  // namespace detail

// `count` lines (texts), the same for the same arguments. A line may itself contain newlines.
inline std::vector<std::string> make_corpus(std::size_t count, std::uint64_t seed = 20240607,
                                            bool include_invalid_utf8 = true) {
  using namespace detail;
  SplitMix64 rng(seed);
  std::vector<std::string> lines;
  lines.reserve(count);
  lines.emplace_back();  // the empty text
  while (lines.size() < count) {
    std::string line;
    const std::uint64_t parts = rng.chance(60) ? 1 : rng.between(2, 5);
    for (std::uint64_t p = 0; p < parts; ++p) {
      const std::uint64_t kind = rng.between(0, 99);
      if (kind < 30)
        add_english(rng, line);
      else if (kind < 42)
        add_cjk(rng, line);
      else if (kind < 54)
        add_code(rng, line);
      else if (kind < 62)
        add_emoji(rng, line);
      else if (kind < 72)
        add_whitespace(rng, line);
      else if (kind < 80)
        add_assorted(rng, line);
      else if (kind < 85)
        add_random_code_points(rng, line);
      else if (kind < 89)
        add_special_text(rng, line);
      else if (kind < 92)
        add_long_unbroken(rng, line);
      else if (kind < 95 && include_invalid_utf8)
        add_invalid_utf8(rng, line);
      else
        add_whitespace(rng, line);
      if (rng.chance(30)) add_whitespace(rng, line);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

}  // namespace ragcache::tokens::testdata
