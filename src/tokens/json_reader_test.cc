#include "tokens/json_reader.h"

#include <gtest/gtest.h>

namespace ragcache::tokens {
namespace {

TEST(JsonReader, DecodesStringsWithEscapes) {
  EXPECT_EQ(decode_json_string(R"("hello")"), "hello");
  EXPECT_EQ(decode_json_string(R"(  "a\nb\tc\r\"q\" \\ \/ \b\f"  )"), "a\nb\tc\r\"q\" \\ / \b\f");
  EXPECT_EQ(decode_json_string(R"("\u00e9\u4f60\ud83d\udc4d")"), "é你👍");
  EXPECT_EQ(decode_json_string(R"("")"), "");
  EXPECT_EQ(decode_json_string("\"raw UTF-8 ✓\""), "raw UTF-8 ✓");
}

TEST(JsonReader, LoneSurrogatesBecomeReplacementCharacters) {
  EXPECT_EQ(decode_json_string(R"("\ud83d")"), "\xEF\xBF\xBD");
  EXPECT_EQ(decode_json_string(R"("\udc4dx")"), "\xEF\xBF\xBDx");
  EXPECT_EQ(decode_json_string(R"("\ud83d\u0041")"),
            "\xEF\xBF\xBD"
            "A");
}

TEST(JsonReader, RejectsWhatIsNotOneString) {
  for (const std::string bad : {"", "hello", "\"unterminated", "\"a\" \"b\"", "\"bad \\x escape\"",
                                "\"\\u12\"", "\"raw\ttab\"", "42", "[\"a\"]", "\"a\",", "\"\\"}) {
    EXPECT_FALSE(decode_json_string(bad).has_value()) << bad;
  }
}

TEST(JsonReader, SkipsNestedValuesAndReadsNumbers) {
  JsonReader reader(R"({"a": [1, {"b": null}, "x"], "n": 123})");
  ASSERT_TRUE(reader.consume('{'));
  std::string key;
  ASSERT_TRUE(reader.read_string(key));
  EXPECT_EQ(key, "a");
  ASSERT_TRUE(reader.consume(':'));
  ASSERT_TRUE(reader.skip_value());
  ASSERT_TRUE(reader.consume(','));
  ASSERT_TRUE(reader.read_string(key));
  EXPECT_EQ(key, "n");
  ASSERT_TRUE(reader.consume(':'));
  std::uint64_t n = 0;
  ASSERT_TRUE(reader.read_unsigned(n));
  EXPECT_EQ(n, 123u);
  EXPECT_TRUE(reader.consume('}'));
  EXPECT_TRUE(reader.at_end());
}

TEST(JsonReader, RefusesAbsurdNesting) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  JsonReader reader(deep);
  EXPECT_FALSE(reader.skip_value());
}

}  // namespace
}  // namespace ragcache::tokens
