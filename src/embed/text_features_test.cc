#include "embed/text_features.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace ragcache::embed {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::vector<std::string> keys(std::string_view text, FeatureFamily family) {
  std::vector<std::string> out;
  for (const auto& f : extract_features(text)) {
    if (f.family == family) out.push_back(f.key);
  }
  return out;
}

float weight_of(std::string_view text, std::string_view key) {
  for (const auto& f : extract_features(text)) {
    if (f.key == key) return f.weight;
  }
  return 0.0f;
}

TEST(TextFeatures, WordsOnlyGivesExactlyTheWordFeaturesOfAFullExtraction) {
  for (std::string_view text : {"Transfer money from Paris to London before 2024?", "I can't log in, why not?",
                                "price of $3.50 in 2023 (50%)", "如何取消我的订阅", "今天的天气不好", "!!!", ""}) {
    std::vector<Feature> words;
    for (auto& f : extract_features(text)) {
      if (f.family == FeatureFamily::word) words.push_back(f);
    }
    const auto only = extract_features(text, {}, /*words_only=*/true);
    ASSERT_EQ(only.size(), words.size()) << text;
    for (std::size_t i = 0; i < only.size(); ++i) {
      EXPECT_EQ(only[i].family, FeatureFamily::word) << text;
      EXPECT_EQ(only[i].key, words[i].key) << text;
      EXPECT_EQ(only[i].weight, words[i].weight) << text;
    }
  }
}

TEST(TextFeatures, WordsAreFoldedAndStemmed) {
  const auto words = keys("Cancel my Subscriptions, PLEASE!", FeatureFamily::word);
  EXPECT_THAT(words, Contains("w:cancel"));
  EXPECT_THAT(words, Contains("w:subscription"));
  EXPECT_THAT(keys("Café", FeatureFamily::word), Contains("w:caf"));  // accent folded, then stemmed
}

TEST(TextFeatures, StopWordsWeighLessThanContentWords) {
  const std::string text = "what is the price of gold";
  EXPECT_LT(weight_of(text, "w:the"), weight_of(text, "w:what"));
  EXPECT_LT(weight_of(text, "w:what"), weight_of(text, "w:pric"));
  EXPECT_LT(weight_of(text, "w:pric"), weight_of("price in 2024", "n:2024"));
}

TEST(TextFeatures, NegationsBecomeOneToken) {
  for (const char* text : {"I can't pay", "I cannot pay", "I cant pay", "I can not pay", "I can’t pay"}) {
    const auto words = keys(text, FeatureFamily::word);
    EXPECT_THAT(words, Contains("w:NOT")) << text;
    EXPECT_THAT(words, Contains("w:can")) << text;
    EXPECT_THAT(words, Contains("w:pay")) << text;
  }
  EXPECT_THAT(keys("I won't go", FeatureFamily::word), Contains("w:will"));
  EXPECT_THAT(keys("我不可以取消", FeatureFamily::word), Contains("w:NOT"));
  EXPECT_THAT(keys("I can pay", FeatureFamily::word), Not(Contains("w:NOT")));
}

TEST(TextFeatures, NumbersAreNormalised) {
  EXPECT_THAT(keys("costs 1,000.50 dollars", FeatureFamily::word), Contains("n:1000.5"));
  EXPECT_THAT(keys("on 05/03", FeatureFamily::word), Contains("n:5"));
  EXPECT_THAT(keys("Ubuntu 22.04.", FeatureFamily::word), Contains("n:22.04"));
  EXPECT_THAT(keys("gpt4 vs gpt5", FeatureFamily::word), Contains("w:gpt4"));
  EXPECT_THAT(keys("１２３", FeatureFamily::word), Contains("n:123"));  // fullwidth digits
}

TEST(TextFeatures, RelationWordsBindTheNextContentWord) {
  const auto words = keys("flights from Paris to London", FeatureFamily::word);
  EXPECT_THAT(words, Contains("r:from>paris"));
  EXPECT_THAT(words, Contains("r:to>london"));
  const auto pairs = keys("flights from Paris to London", FeatureFamily::pairs);
  EXPECT_THAT(pairs, Contains("u:from>paris+to>london"));
}

TEST(TextFeatures, PhrasesKeepOrder) {
  EXPECT_THAT(keys("price of gold", FeatureFamily::phrase), Contains("p:pric|of"));
  EXPECT_THAT(keys("price of gold", FeatureFamily::phrase), Contains("p:of|gold"));
}

TEST(TextFeatures, CharacterNgramsHaveBoundaries) {
  const auto grams = keys("cat", FeatureFamily::chars);
  EXPECT_THAT(grams, Contains("g:<ca"));
  EXPECT_THAT(grams, Contains("g:at>"));
  EXPECT_THAT(grams, Contains("g:<cat>"));
}

TEST(TextFeatures, CjkUsesCharacterNgrams) {
  const auto words = keys("北京天气", FeatureFamily::word);
  EXPECT_THAT(words, Contains("c1:北"));
  EXPECT_THAT(words, Contains("c2:北京"));
  EXPECT_THAT(words, Contains("c2:天气"));
  EXPECT_THAT(keys("北京天气", FeatureFamily::phrase), Contains("c3:北京天"));
  // A particle dropped in between still yields the bigram across it.
  EXPECT_THAT(keys("今天的天气", FeatureFamily::word), Contains("c2:天天"));
}

TEST(TextFeatures, HyphenatedWordsAreJoined) {
  EXPECT_THAT(keys("my e-mail", FeatureFamily::word), Contains("w:email"));
}

TEST(TextFeatures, TextWithoutWordsStillHasAFeature) {
  const auto f = extract_features("?!");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].key, "raw:?!");
  EXPECT_EQ(extract_features("").size(), 1u);
  EXPECT_FALSE(extract_features("\xff\xfe").empty());
}

TEST(TextFeatures, StemmerHandlesCommonEndings) {
  EXPECT_EQ(stem_word("cards"), "card");
  EXPECT_EQ(stem_word("cities"), "city");
  EXPECT_EQ(stem_word("charged"), stem_word("charge"));
  EXPECT_EQ(stem_word("charging"), stem_word("charges"));
  EXPECT_EQ(stem_word("class"), "class");
  EXPECT_EQ(stem_word("bus"), "bus");
  EXPECT_EQ(stem_word("größe"), "größe");  // non-ASCII left alone
}

}  // namespace
}  // namespace ragcache::embed
