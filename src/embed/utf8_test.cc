#include "embed/utf8.h"

#include <gtest/gtest.h>

namespace ragcache::embed {
namespace {

TEST(Utf8, DecodesAndEncodesRoundTrip) {
  const std::string text = "héllo 世界 😀";
  const auto cps = decode_utf8(text);
  EXPECT_EQ(cps, U"héllo 世界 😀");
  EXPECT_EQ(encode_utf8(cps), text);
}

TEST(Utf8, BadBytesBecomeReplacementCharacters) {
  EXPECT_EQ(decode_utf8("a\xff" "b"), U"a\uFFFDb");
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");  // overlong '/'
  EXPECT_EQ(decode_utf8("\xE4\xB8"), U"\uFFFD");        // truncated
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");  // surrogate
}

TEST(Utf8, FoldsCaseAccentsAndWidth) {
  EXPECT_EQ(fold(U'A'), U'a');
  EXPECT_EQ(fold(U'É'), U'e');
  EXPECT_EQ(fold(U'ñ'), U'n');
  EXPECT_EQ(fold(U'Ł'), U'l');
  EXPECT_EQ(fold(U'Ａ'), U'a');
  EXPECT_EQ(fold(U'１'), U'1');
  EXPECT_EQ(fold(U'Д'), U'д');
  EXPECT_EQ(fold(U'Σ'), U'σ');
  EXPECT_EQ(fold(U'’'), U'\'');
  EXPECT_EQ(fold(U'世'), U'世');
}

TEST(Utf8, ClassifiesCharacters) {
  EXPECT_TRUE(is_cjk(U'世'));
  EXPECT_TRUE(is_cjk(U'の'));
  EXPECT_TRUE(is_cjk(U'カ'));
  EXPECT_FALSE(is_cjk(U'a'));
  EXPECT_FALSE(is_cjk(U'。'));
  EXPECT_TRUE(is_letter(U'д'));
  EXPECT_TRUE(is_letter(U'한'));
  EXPECT_FALSE(is_letter(U'?'));
  EXPECT_FALSE(is_letter(U'。'));
  EXPECT_FALSE(is_letter(U'😀'));
  EXPECT_TRUE(is_digit(U'7'));
}

}  // namespace
}  // namespace ragcache::embed
