#include "tokens/encoding.h"

#include <gtest/gtest.h>

#include "tokens/errors.h"
#include "tokens/pattern.h"
#include "tokens/testdata/toy_vocabulary.h"

namespace ragcache::tokens {
namespace {

constexpr Rank kEndOfText = 1000;

std::shared_ptr<const Encoding> toy_encoding() {
  auto encoding =
      Encoding::create("toy", testdata::toy_rank_map(), kCl100kPattern, {{"<|endoftext|>", kEndOfText}});
  EXPECT_TRUE(encoding.has_value()) << (encoding ? "" : encoding.error().message());
  return encoding ? *encoding : nullptr;
}

TEST(Encoding, EmptyTextHasNoTokens) {
  const auto enc = toy_encoding();
  EXPECT_EQ(enc->count(""), 0u);
  EXPECT_TRUE(enc->encode("").empty());
  EXPECT_TRUE(enc->encode_with_special_tokens("").empty());
  EXPECT_EQ(enc->decode({}), "");
}

TEST(Encoding, EncodesPiecesWithWholeTokensAndMerges) {
  const auto enc = toy_encoding();
  const RankMap ranks = testdata::toy_rank_map();
  EXPECT_EQ(enc->encode("hello world"), (std::vector<Rank>{ranks.find("hello"), ranks.find(" world")}));
  EXPECT_EQ(enc->encode("abcab"), (std::vector<Rank>{ranks.find("abc"), ranks.find("ab")}));
}

TEST(Encoding, CountEqualsEncodeAndDecodeRestoresTheText) {
  const auto enc = toy_encoding();
  for (const std::string& text :
       std::vector<std::string>{"hello world", "aaaa bbbb cabca", "  \n\n\t x", "naïve 你好 👍🏽",
                                "it's 1234567", std::string(3000, 'a') + " " + std::string(200000, ' ')}) {
    const auto ids = enc->encode(text);
    EXPECT_EQ(enc->count(text), ids.size());
    EXPECT_EQ(enc->decode(ids), text);
  }
}

TEST(Encoding, InvalidUtf8CountsAsItsRepairedText) {
  const auto enc = toy_encoding();
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(enc->encode("a\xFF"
                        "b"),
            enc->encode("a" + fffd + "b"));
  EXPECT_EQ(enc->count("\xED\xA0\x80 x"), enc->count(fffd + fffd + fffd + " x"));
  EXPECT_EQ(enc->count(std::string(1000, '\x80')), enc->count([&] {
    std::string s;
    for (int i = 0; i < 1000; ++i) s += fffd;
    return s;
  }()));
  EXPECT_EQ(enc->encode_with_special_tokens("\xFF<|endoftext|>"),
            enc->encode_with_special_tokens(fffd + "<|endoftext|>"));
}

TEST(Encoding, SpecialTokenTextIsPlainUnlessAskedFor) {
  const auto enc = toy_encoding();
  const auto plain = enc->encode("hello<|endoftext|>");
  EXPECT_EQ(std::count(plain.begin(), plain.end(), kEndOfText), 0);
  EXPECT_EQ(enc->count("hello<|endoftext|>"), plain.size());
  const auto special = enc->encode_with_special_tokens("hello<|endoftext|> world<|endoftext|>");
  const RankMap ranks = testdata::toy_rank_map();
  EXPECT_EQ(special, (std::vector<Rank>{ranks.find("hello"), kEndOfText, ranks.find(" world"), kEndOfText}));
  EXPECT_EQ(enc->decode(special), "hello<|endoftext|> world<|endoftext|>");
}

TEST(Encoding, RefusesAVocabularyWithoutEveryByte) {
  RankMap ranks;
  ranks.insert("a", 0);
  auto enc = Encoding::create("broken", std::move(ranks), kCl100kPattern, {});
  ASSERT_FALSE(enc.has_value());
  EXPECT_EQ(enc.error().code, make_error_code(Errc::rank_file_invalid));
}

TEST(Encoding, RefusesABadPattern) {
  auto enc = Encoding::create("broken", testdata::toy_rank_map(), "([\\S])", {});
  ASSERT_FALSE(enc.has_value());
  EXPECT_EQ(enc.error().code, make_error_code(Errc::bad_pattern));
}

}  // namespace
}  // namespace ragcache::tokens
