// HotTally: what the hot-question recorder sums up between two flushes.
#include "gateway/hot_recorder.h"

#include <gtest/gtest.h>

#include <array>
#include <map>

namespace ragcache::gateway {
namespace {

std::map<std::string, std::int64_t> counts(std::vector<HotTally::Entry> entries) {
  std::map<std::string, std::int64_t> out;
  for (const auto& e : entries) {
    out[e.ns + "|" + std::to_string(e.hour) + "|" + hot::normalize_question(e.question)] += e.count;
  }
  return out;
}

TEST(HotTally, SumsTheSameQuestionAsItIsNormalised) {
  HotTally t;
  EXPECT_TRUE(t.add("default", "What is RAG?", 7));
  EXPECT_TRUE(t.add("default", "  what   is rag ", 7));
  EXPECT_TRUE(t.add("default", "Another one", 7));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(t.contains("default", "WHAT IS RAG", 7));
  EXPECT_FALSE(t.contains("default", "what is rag", 8));
  auto c = counts(t.take());
  EXPECT_EQ(c, (std::map<std::string, std::int64_t>{{"default|7|another one", 1}, {"default|7|what is rag", 2}}));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.take().empty());
}

TEST(HotTally, KeepsNamespacesAndHoursApart) {
  HotTally t;
  t.add("a", "q", 1);
  t.add("b", "q", 1);
  t.add("a", "q", 2);
  t.add("a", "q", 2);
  auto c = counts(t.take());
  EXPECT_EQ(c, (std::map<std::string, std::int64_t>{{"a|1|q", 1}, {"a|2|q", 2}, {"b|1|q", 1}}));
}

TEST(HotTally, OneQuestionCountsOnceInEveryNamespaceNamed) {
  // A request counts in its tenant's ranking and in the all-tenant one, normalised once.
  HotTally t;
  const std::array<std::string_view, 2> scopes{"tenant-a/ns", "*/ns"};
  EXPECT_TRUE(t.add(scopes, "What is RAG?", 3));
  EXPECT_TRUE(t.add(scopes, "what is rag", 3));
  EXPECT_TRUE(t.add("tenant-b/ns", "What is RAG", 3));
  auto c = counts(t.take());
  EXPECT_EQ(c, (std::map<std::string, std::int64_t>{
                   {"*/ns|3|what is rag", 2}, {"tenant-a/ns|3|what is rag", 2}, {"tenant-b/ns|3|what is rag", 1}}));
  EXPECT_FALSE(t.add(scopes, " ?", 3));
  EXPECT_EQ(t.size(), 0u);
}

TEST(HotTally, IgnoresQuestionsWithNothingLeft) {
  HotTally t;
  EXPECT_FALSE(t.add("default", "  ?! ", 1));
  EXPECT_FALSE(t.add("default", "", 1));
  EXPECT_EQ(t.size(), 0u);
}

TEST(HotTally, TheKeptTextNormalisesLikeTheOriginal) {
  // The recorder writes the kept text and HotQuestions normalises it again: it must land on the
  // member the original would have, also when the cut falls on punctuation.
  HotTally t(10);
  const std::string long_q = "abcdefghi?   jkl";
  t.add("default", long_q, 1);
  auto entries = t.take();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(hot::normalize_question(entries[0].question, 10), hot::normalize_question(long_q, 10));
}

}  // namespace
}  // namespace ragcache::gateway
