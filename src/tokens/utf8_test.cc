#include "tokens/utf8.h"

#include <gtest/gtest.h>

namespace ragcache::tokens {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, ValidTextIsLeftAlone) {
  for (const std::string& text : std::vector<std::string>{
           "", "plain ascii text that is longer than eight bytes", "naïve café", "你好，世界",
           "👨‍👩‍👧‍👦", "\xEF\xBB\xBF", "\xF4\x8F\xBF\xBF", std::string("a\0b", 3)}) {
    EXPECT_EQ(valid_utf8_prefix(text), text.size()) << text;
    EXPECT_EQ(repair_utf8(text), text);
  }
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(valid_utf8_prefix("abcdefghij\xFFxyz"), 10u);
  EXPECT_EQ(valid_utf8_prefix("é\xC3"), 2u);             // truncated at the end
  EXPECT_EQ(valid_utf8_prefix("\xED\xA0\x80"), 0u);      // a UTF-16 surrogate
  EXPECT_EQ(valid_utf8_prefix("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(valid_utf8_prefix("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
}

// Expected values follow the WHATWG UTF-8 decoder (one U+FFFD per maximal invalid subsequence).
TEST(Utf8, RepairsLikeTheWhatwgDecoder) {
  EXPECT_EQ(repair_utf8("\xFF"), kFffd);
  EXPECT_EQ(repair_utf8("a\xF0\x9F\x98"), "a" + kFffd);  // truncated 4-byte: one
  EXPECT_EQ(repair_utf8("\xF0\x9F\x98"
                        "A"),
            kFffd + "A");
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate: three
  EXPECT_EQ(repair_utf8("\xC0\xAF"), kFffd + kFffd);              // overlong: two
  EXPECT_EQ(repair_utf8("\xE0\x80\x80"), kFffd + kFffd + kFffd);
  EXPECT_EQ(repair_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(repair_utf8("\xC2\xC2\xA0"), kFffd + "\xC2\xA0");  // the second lead starts over
  EXPECT_EQ(repair_utf8("\xE2\x82"
                        "x\xE2\x82\xAC"),
            kFffd + "x€");
}

TEST(Utf8, RepairedTextIsValid) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) % 256);
  const std::string repaired = repair_utf8(bytes);
  EXPECT_EQ(valid_utf8_prefix(repaired), repaired.size());
}

TEST(Utf8, DecodesAndEncodesRoundTrip) {
  const std::string text = "héllo 世界 😀";
  const auto cps = decode_utf8(text);
  EXPECT_EQ(cps, U"héllo 世界 😀");
  EXPECT_EQ(encode_utf8(cps), text);
  EXPECT_EQ(encode_utf8(U"\U0010FFFF"), "\xF4\x8F\xBF\xBF");
}

TEST(Utf8, DecodingReplacesWhatRepairReplaces) {
  EXPECT_EQ(decode_utf8("a\xff" "b"), U"a\uFFFDb");
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");                 // overlong '/'
  EXPECT_EQ(decode_utf8("\xE4\xB8"), U"\uFFFD");                        // truncated
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");        // surrogate
  EXPECT_EQ(decode_utf8("\xE2\x82" "x"), U"\uFFFDx");                   // one maximal subpart
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) % 256);
  EXPECT_EQ(encode_utf8(decode_utf8(bytes)), repair_utf8(bytes));
}

TEST(Utf8, PrefixNeverSplitsASequence) {
  std::string s = "\xE2\x82\xAC\xE2\x82\xAC";  // two euro signs, 3 bytes each
  EXPECT_EQ(utf8_prefix(s, 2), "");
  EXPECT_EQ(utf8_prefix(s, 3), "\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix(s, 5), "\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix(s, 6), s);
}

}  // namespace
}  // namespace ragcache::tokens
