#include "tokens/pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokens/errors.h"
#include "tokens/pretokenizer.h"
#include "tokens/testdata/corpus.h"

namespace ragcache::tokens {
namespace {

std::vector<std::string> pieces(std::string_view pattern, std::string_view text,
                                bool ascii_fast_path = true) {
  auto pre = Pretokenizer::compile(pattern, ascii_fast_path);
  EXPECT_TRUE(pre.has_value()) << (pre ? "" : pre.error().message());
  std::vector<std::string> out;
  if (pre) pre->for_each_piece(text, [&](std::string_view p) { out.emplace_back(p); });
  return out;
}

using Pieces = std::vector<std::string>;

TEST(Pattern, SpellsOutWhiteSpaceInAndOutsideClasses) {
  const std::string ws(kWhiteSpaceClassBody);
  EXPECT_EQ(to_pcre2_pattern(R"(\s+)"), "[" + ws + "]+");
  EXPECT_EQ(to_pcre2_pattern(R"(\S)"), "[^" + ws + "]");
  EXPECT_EQ(to_pcre2_pattern(R"([^\s\p{L}])"), "[^" + ws + R"(\p{L}])");
  EXPECT_EQ(to_pcre2_pattern(R"(\p{N}{1,3}|\r\n)"), R"(\p{N}{1,3}|\r\n)");
  EXPECT_EQ(to_pcre2_pattern(R"([]\s])"), "[]" + ws + "]");  // a leading ']' is a literal
  EXPECT_EQ(to_pcre2_pattern(R"(\\s)"), R"(\\s)");           // an escaped backslash, then 's'
}

TEST(Pattern, RejectsWhatItCannotTranslate) {
  EXPECT_FALSE(to_pcre2_pattern(R"([\S])").has_value());
  EXPECT_FALSE(to_pcre2_pattern(R"(abc\)").has_value());
  EXPECT_FALSE(to_pcre2_pattern(R"([abc)").has_value());
  auto pre = Pretokenizer::compile("(unclosed");
  ASSERT_FALSE(pre.has_value());
  EXPECT_EQ(pre.error().code, make_error_code(Errc::bad_pattern));
}

// \s must mean Unicode White_Space, as in Rust's regex: U+0085 is in it, U+FEFF and U+200B are not.
TEST(Pattern, WhiteSpaceIsTheUnicodeProperty) {
  EXPECT_EQ(pieces(R"(\s+)",
                   "a\xC2\x85"
                   "b"),
            Pieces{"\xC2\x85"});
  EXPECT_EQ(pieces(R"(\s+)",
                   "a\xEF\xBB\xBF"
                   "b\xE2\x80\x8B"
                   "c"),
            Pieces{});
  EXPECT_EQ(pieces(R"(\s+)", "\xC2\xA0\xE3\x80\x80\xE2\x80\xA8\x0B"),
            Pieces{"\xC2\xA0\xE3\x80\x80\xE2\x80\xA8\x0B"});
  EXPECT_EQ(pieces(R"(\S+)",
                   "a\xC2\x85"
                   "b\xEF\xBB\xBF"),
            (Pieces{"a", "b\xEF\xBB\xBF"}));
}

TEST(Pattern, Cl100kSplitsLikeTiktoken) {
  EXPECT_EQ(pieces(kCl100kPattern, "Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(pieces(kCl100kPattern, "it's 12345 ok!!\n\n  x"),
            (Pieces{"it", "'s", " ", "123", "45", " ok", "!!\n\n", " ", " x"}));
  EXPECT_EQ(pieces(kCl100kPattern, "IT'S"), (Pieces{"IT", "'S"}));
  EXPECT_EQ(pieces(kCl100kPattern, "a   "), (Pieces{"a", "   "}));
}

TEST(Pattern, O200kSplitsCaseChangesAndKeepsContractions) {
  EXPECT_EQ(pieces(kO200kPattern, "HTTPServer getElementById"),
            (Pieces{"HTTPServer", " get", "Element", "By", "Id"}));
  EXPECT_EQ(pieces(kO200kPattern, "they're"), (Pieces{"they're"}));
  EXPECT_EQ(pieces(kO200kPattern, "a/b//\n"), (Pieces{"a", "/b", "//\n"}));
}

TEST(Pattern, EmptyMatchesOfACustomPatternAreSkipped) {
  EXPECT_EQ(pieces("a*", "bbabaa"), (Pieces{"a", "aa"}));
  EXPECT_EQ(pieces("x*", std::string(1 << 20, 'b')), Pieces{});  // no recursion, no endless loop
  EXPECT_EQ(pieces("(?=b)",
                   "\xC3\xA9"
                   "b"
                   "\xC3\xA9"),
            Pieces{});
}

TEST(Pattern, PiecesCoverEveryByteOfLongWhitespaceRuns) {
  // Backtracking over \s+(?!\S) on a very long run must neither fail nor drop text, in PCRE2's
  // JIT as in the ASCII fast path.
  for (const std::string& text :
       {std::string(1 << 20, ' ') + "x", std::string(1 << 18, '\n') + std::string(1 << 18, '\t')}) {
    for (const auto pattern : {kCl100kPattern, kO200kPattern}) {
      for (const bool fast : {true, false}) {
        std::size_t covered = 0;
        for (const auto& p : pieces(pattern, text, fast)) covered += p.size();
        EXPECT_EQ(covered, text.size());
      }
    }
  }
}

}  // namespace
}  // namespace ragcache::tokens

namespace ragcache::tokens {
namespace {

// The ASCII fast path must split exactly as PCRE2 alone does, including where the two hand over
// to each other next to non-ASCII characters.
TEST(Pattern, AsciiFastPathSplitsExactlyLikePcre2) {
  const std::vector<std::string> atoms = {"a",
                                          "b",
                                          "Z",
                                          "Q",
                                          "x",
                                          "'",
                                          "'s",
                                          "'S",
                                          "'re",
                                          "'RE",
                                          "'ll",
                                          "'ve",
                                          "'m",
                                          "'d",
                                          "'t",
                                          "'x",
                                          "0",
                                          "7",
                                          " ",
                                          "  ",
                                          "\t",
                                          "\n",
                                          "\r",
                                          "\r\n",
                                          "\x0B",
                                          "\x0C",
                                          "\x1C",
                                          "\x7F",
                                          std::string(1, '\0'),
                                          ".",
                                          ",",
                                          "!",
                                          "/",
                                          "//",
                                          "-",
                                          "_",
                                          "\"",
                                          "é",
                                          "É",
                                          "ſ",
                                          "\xC2\x85",
                                          "\xC2\xA0",
                                          "一",
                                          "٣",
                                          "😀",
                                          "\xCC\x81",
                                          "\xE2\x80\x83",
                                          "ǅ",
                                          "ʰ",
                                          "\xEF\xBB\xBF"};
  testdata::SplitMix64 rng(7);
  for (const auto pattern : {kCl100kPattern, kO200kPattern}) {
    auto fast = Pretokenizer::compile(pattern, true);
    auto slow = Pretokenizer::compile(pattern, false);
    ASSERT_TRUE(fast && slow);
    for (int round = 0; round < 20000; ++round) {
      std::string text;
      const std::size_t n = 1 + rng.next() % 12;
      for (std::size_t i = 0; i < n; ++i) {
        // Mostly ASCII, so long ASCII stretches meet the odd non-ASCII character.
        const std::size_t pick = rng.next() % atoms.size();
        text += rng.chance(80) ? atoms[pick % 40] : atoms[pick];
      }
      std::vector<std::string> a, b;
      fast->for_each_piece(text, [&](std::string_view p) { a.emplace_back(p); });
      slow->for_each_piece(text, [&](std::string_view p) { b.emplace_back(p); });
      ASSERT_EQ(a, b) << "text hex " << testdata::to_hex(text);
    }
  }
}

}  // namespace
}  // namespace ragcache::tokens
