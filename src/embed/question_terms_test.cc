#include "embed/question_terms.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ragcache::embed {
namespace {

bool shares_any(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  return std::any_of(a.begin(), a.end(), [&](std::uint32_t t) { return std::binary_search(b.begin(), b.end(), t); });
}

TEST(QuestionTerms, CaseSpacingAndPunctuationDoNotChangeThem) {
  EXPECT_EQ(question_terms("What is the refund policy?"), question_terms("  WHAT is the   Refund POLICY"));
}

TEST(QuestionTerms, AreDistinctSortedAndLeaveOutStopWords) {
  const auto terms = question_terms("the price of the bitcoin price");
  EXPECT_TRUE(std::is_sorted(terms.begin(), terms.end()));
  EXPECT_EQ(std::adjacent_find(terms.begin(), terms.end()), terms.end());
  EXPECT_EQ(terms, question_terms("price bitcoin"));
  EXPECT_TRUE(question_terms("the of a to").empty());
}

TEST(QuestionTerms, ReorderedOrPaddedQuestionsShareTheirWords) {
  const auto stored = question_terms("how do i cancel my premium subscription");
  EXPECT_EQ(stored, question_terms("cancel my premium subscription how do i"));
  const auto padded = question_terms("please how do i cancel my premium subscription");
  for (auto t : stored) EXPECT_TRUE(std::binary_search(padded.begin(), padded.end(), t));
  EXPECT_FALSE(shares_any(stored, question_terms("weather forecast tomorrow")));
}

TEST(QuestionTerms, NumbersAndCjkBigramsAreTerms) {
  EXPECT_NE(question_terms("price in 2023"), question_terms("price in 2024"));
  const auto cjk = question_terms("如何取消订阅");
  EXPECT_FALSE(cjk.empty());
  EXPECT_TRUE(shares_any(cjk, question_terms("取消订阅的方法")));
}

TEST(QuestionTerms, AtMostThirtyTwo) {
  std::string long_question;
  for (int i = 0; i < 100; ++i) long_question += "word" + std::to_string(i) + "x ";
  EXPECT_EQ(question_terms(long_question).size(), 32u);
}

}  // namespace
}  // namespace ragcache::embed
