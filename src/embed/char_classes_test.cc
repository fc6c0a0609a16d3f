#include "embed/char_classes.h"

#include <gtest/gtest.h>

namespace ragcache::embed {
namespace {

TEST(CharClasses, FoldsCaseAccentsAndWidth) {
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

TEST(CharClasses, ClassifiesCharacters) {
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

TEST(CharClasses, TellsAsciiTextFromAnyOtherByte) {
  EXPECT_TRUE(is_ascii(""));
  EXPECT_TRUE(is_ascii("What is 2+2?\t\x7f"));
  EXPECT_FALSE(is_ascii("caf\xc3\xa9"));       // é
  EXPECT_FALSE(is_ascii("ok\xff"));             // not even UTF-8
  EXPECT_FALSE(is_ascii(std::string_view("a\0\x80", 3)));  // past an embedded NUL
}

}  // namespace
}  // namespace ragcache::embed
