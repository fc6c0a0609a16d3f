#include "domain/hot/question_text.h"

#include <gtest/gtest.h>

#include <string>

namespace ragcache::hot {
namespace {

TEST(NormalizeQuestion, SpellingsOfOneQuestionBecomeOne) {
  EXPECT_EQ(normalize_question("What is RAG?"), "what is rag");
  EXPECT_EQ(normalize_question("  what   is\trag \n"), "what is rag");
  EXPECT_EQ(normalize_question("What is RAG?!..."), "what is rag");
  EXPECT_NE(normalize_question("what is rag"), normalize_question("what is a rag"));
}

TEST(NormalizeQuestion, NothingLeftGivesEmpty) {
  EXPECT_EQ(normalize_question(""), "");
  EXPECT_EQ(normalize_question(" \t?? "), "");
}

TEST(NormalizeQuestion, KeepsNonAsciiAndCutsOnCharacterBoundaries) {
  EXPECT_EQ(normalize_question("Qu'est-ce que le RAG ?"), "qu'est-ce que le rag");
  // "é" is 2 bytes: a cut in its middle must drop it whole.
  std::string text = "ab\xC3\xA9" "cd";
  EXPECT_EQ(normalize_question(text, 3), "ab");
  EXPECT_EQ(normalize_question(text, 4), "ab\xC3\xA9");
  std::string long_text(1000, 'x');
  EXPECT_EQ(normalize_question(long_text, 200).size(), 200u);
}

TEST(NormalizeQuestion, LongRunsOfWhitespaceCountAsOneSpace) {
  // The output is bounded by max_bytes, not by the input: whitespace runs longer than the limit
  // still collapse, and the words after them are kept.
  EXPECT_EQ(normalize_question("What" + std::string(500, ' ') + "is RAG?", 200), "what is rag");
  EXPECT_EQ(normalize_question(std::string(300, '\t') + "RAG", 10), "rag");
  EXPECT_EQ(normalize_question(std::string(20, 'A') + "  B", 10), std::string(10, 'a'));
}

}  // namespace
}  // namespace ragcache::hot
