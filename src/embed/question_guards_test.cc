#include "embed/question_guards.h"

#include <gtest/gtest.h>

namespace ragcache::embed {
namespace {

GuardVeto compare(std::string_view a, std::string_view b) {
  const auto ab = compare_questions(question_facts(a), question_facts(b));
  EXPECT_EQ(ab, compare_questions(question_facts(b), question_facts(a))) << "not symmetric: " << a << " / " << b;
  return ab;
}

TEST(QuestionGuardsTest, DifferentNumbersVeto) {
  EXPECT_EQ(compare("Price of gold in 2023?", "price of gold in 2024"), GuardVeto::numbers);
  EXPECT_EQ(compare("Is 3 kids too many?", "Are 3 kids too many?"), GuardVeto::none);
  EXPECT_EQ(compare("Can I send 1,000.50 dollars?", "can i send 1000.5 dollars"), GuardVeto::none);
  EXPECT_EQ(compare("How far is it?", "How far is it in 5 minutes?"), GuardVeto::numbers);
}

TEST(QuestionGuardsTest, NegatedAgainstPlainVetoes) {
  EXPECT_EQ(compare("Is the pharmacy open on Sunday?", "Is the pharmacy not open on Sunday?"), GuardVeto::negation);
  EXPECT_EQ(compare("Why can't I log in?", "why cannot I log in"), GuardVeto::none);
  EXPECT_EQ(compare("Why can't I log in?", "Why can I log in?"), GuardVeto::negation);
  EXPECT_EQ(compare("Is it never not working?", "Is it working?"), GuardVeto::none) << "two negations: the parity";
}

TEST(QuestionGuardsTest, AMissingCapitalisedNameVetoes) {
  EXPECT_EQ(compare("Which hotels in Gwalior are safe?", "Which hotels in Jaipur are safe?"), GuardVeto::names);
  EXPECT_EQ(compare("Is Python better than Java?", "Is Python better than Ruby?"), GuardVeto::names);
  EXPECT_EQ(compare("What is the penalty for speeding in Alabama?", "What is the penalty for speeding in Ohio?"),
            GuardVeto::names);
  // Case, possessives and inflection do not make a name differ.
  EXPECT_EQ(compare("How do I reset my Gmail password?", "how do i reset my gmail password"), GuardVeto::none);
  EXPECT_EQ(compare("Who is Apple's CEO?", "Who is the CEO of Apple?"), GuardVeto::none);
  // The first word of a sentence and one-letter words are not names.
  EXPECT_EQ(compare("Tell me about Redis. What is it?", "Describe redis"), GuardVeto::none);
  EXPECT_EQ(compare("Should I learn it?", "Should we learn it?"), GuardVeto::none);
}

TEST(QuestionGuardsTest, AWordSwappedForItsOppositeVetoes) {
  EXPECT_EQ(compare("Can I cancel my order after it has shipped?", "Can I cancel my order before it has shipped?"),
            GuardVeto::opposites);
  EXPECT_EQ(compare("What are the advantages of remote work?", "What are the disadvantages of remote work?"),
            GuardVeto::opposites);
  EXPECT_EQ(compare("How do I upload files?", "how to download files"), GuardVeto::opposites);
  // Both words on one side, or the same word on both, is no swap.
  EXPECT_EQ(compare("Pros and cons of renting?", "What are the pros and cons of renting?"), GuardVeto::none);
  EXPECT_EQ(compare("What is the best laptop?", "Which laptop is the best?"), GuardVeto::none);
}

TEST(QuestionGuardsTest, RewordingsPass) {
  EXPECT_EQ(compare("How do I reset my password?", "I forgot my login, what now?"), GuardVeto::none);
  EXPECT_EQ(compare("", ""), GuardVeto::none);
  EXPECT_EQ(guard_name(GuardVeto::names), "names");
}

}  // namespace
}  // namespace ragcache::embed
