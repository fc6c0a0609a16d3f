#include "base/base64.h"

#include <gtest/gtest.h>

namespace ragcache {
namespace {

std::string decoded(std::string_view text) {
  std::string out;
  EXPECT_TRUE(decode_base64(text, out)) << text;
  return out;
}

TEST(Base64, DecodesPaddedAndUnpadded) {
  EXPECT_EQ(decoded("IQ=="), "!");
  EXPECT_EQ(decoded("IQ"), "!");
  EXPECT_EQ(decoded("aGVsbG8="), "hello");
  EXPECT_EQ(decoded("aGVsbG8h"), "hello!");
  EXPECT_EQ(decoded(""), "");
  EXPECT_EQ(decoded("//79"), "\xFF\xFE\xFD");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t len = 0; len <= all.size(); len += 7) {
    const std::string part = all.substr(all.size() - len);
    EXPECT_EQ(decoded(encode_base64(part)), part);
  }
}

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("!"), "IQ==");
  EXPECT_EQ(encode_base64("hello"), "aGVsbG8=");
  EXPECT_EQ(encode_base64("hello!"), "aGVsbG8h");
  EXPECT_EQ(encode_base64("\xFF\xFE\xFD"), "//79");
}

TEST(Base64, RejectsMalformedText) {
  std::string out;
  EXPECT_FALSE(decode_base64("a", out));      // a lone character encodes no byte
  EXPECT_FALSE(decode_base64("ab$d", out));   // outside the alphabet
  EXPECT_FALSE(decode_base64("ab-_", out));   // the URL-safe alphabet is not ours
  EXPECT_FALSE(decode_base64("IQ=", out));    // padding that does not complete a group
  EXPECT_FALSE(decode_base64("I Q==", out));  // embedded space
}

}  // namespace
}  // namespace ragcache
