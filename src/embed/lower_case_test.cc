#include "embed/lower_case.h"

#include <gtest/gtest.h>

namespace ragcache::embed {
namespace {

TEST(LowerCase, AsciiOnlyTheLettersChange) {
  EXPECT_EQ(lower_case_utf8("What is the Capital of FRANCE? 42 #A-Z"), "what is the capital of france? 42 #a-z");
  EXPECT_EQ(lower_case_utf8(""), "");
  EXPECT_EQ(lower_case_utf8(std::string_view("a\0B", 3)), std::string("a\0b", 3));
}

TEST(LowerCase, OtherScriptsUseUnicodesMapping) {
  EXPECT_EQ(lower_case_utf8("ÉCOLE Straße ΣΟΦΙΑ Москва"), "école straße σοφια москва");
  EXPECT_EQ(lower_case_utf8("東京 タワー"), "東京 タワー");  // no case: unchanged
  EXPECT_EQ(lower_case_utf8("ＡＢＣ"), "ａｂｃ");            // fullwidth letters have case too
}

TEST(LowerCase, InvalidUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(lower_case_utf8("A\xff" "B"), "a\xEF\xBF\xBD" "b");
}

}  // namespace
}  // namespace ragcache::embed
