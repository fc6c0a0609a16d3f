#include "index/term_postings.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ragcache::index {
namespace {

std::vector<std::uint32_t> candidates(const TermPostings& postings, std::vector<Term> query, std::size_t budget = 100) {
  std::vector<std::uint32_t> out;
  postings.candidates(query, budget, out);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(TermPostings, ListsEachSlotUnderItsTerms) {
  TermPostings postings;
  postings.assign(0, std::vector<Term>{1, 2});
  postings.assign(1, std::vector<Term>{2, 3});
  EXPECT_EQ(candidates(postings, {1}), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(candidates(postings, {3}), (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(candidates(postings, {9}).empty());
}

TEST(TermPostings, TakesWholeListsWhenTheyFitTheBudget) {
  TermPostings postings;
  for (std::uint32_t slot = 0; slot < 10; ++slot) postings.assign(slot, std::vector<Term>{7});
  postings.assign(10, std::vector<Term>{7, 8});
  EXPECT_EQ(candidates(postings, {7, 8}, 100).size(), 12u);  // both lists; slot 10 twice
  EXPECT_EQ(candidates(postings, {7}, 11).size(), 11u);
  // A single list longer than the budget: nothing (the cost of a search stays bounded).
  EXPECT_TRUE(candidates(postings, {7}, 5).empty());
}

TEST(TermPostings, OverTheBudgetTakesTheSlotsOnTwoOfTheThreeRarestLists) {
  TermPostings postings;
  // Terms 1, 2, 3 are each on 20 slots; slots 100..104 hold two or three of them.
  for (std::uint32_t slot = 0; slot < 60; ++slot) postings.assign(slot, std::vector<Term>{static_cast<Term>(1 + slot / 20)});
  postings.assign(100, std::vector<Term>{1, 2, 3});
  postings.assign(101, std::vector<Term>{1, 2});
  postings.assign(102, std::vector<Term>{2, 3});
  postings.assign(103, std::vector<Term>{1, 3, 9});
  postings.assign(104, std::vector<Term>{9});
  // 9 is the rarest list (2 slots): with 1 and 2 the three rarest are 9, 1, 2 (1 and 2 tie).
  EXPECT_EQ(candidates(postings, {1, 2, 9}, 10), (std::vector<std::uint32_t>{100, 101, 103}));
  EXPECT_EQ(candidates(postings, {1, 2, 3}, 10), (std::vector<std::uint32_t>{100, 101, 102, 103}));
  // The budget still bounds it (lowest slots first).
  EXPECT_EQ(candidates(postings, {1, 2, 3}, 2), (std::vector<std::uint32_t>{100, 101}));
}

TEST(TermPostings, ClearAndReassignReplaceTheLists) {
  TermPostings postings;
  postings.assign(0, std::vector<Term>{1, 2});
  postings.assign(0, std::vector<Term>{3});
  EXPECT_TRUE(candidates(postings, {1, 2}).empty());
  EXPECT_EQ(candidates(postings, {3}), (std::vector<std::uint32_t>{0}));
  postings.clear(0);
  EXPECT_TRUE(candidates(postings, {3}).empty());
  EXPECT_TRUE(postings.terms_of(0).empty());
  postings.clear(42);  // never assigned: no-op
}

TEST(TermPostings, DuplicateTermsAreListedOnce) {
  TermPostings postings;
  postings.assign(4, std::vector<Term>{5, 5, 5});
  EXPECT_EQ(postings.terms_of(4).size(), 1u);
  EXPECT_EQ(candidates(postings, {5}), (std::vector<std::uint32_t>{4}));
}

TEST(TermPostings, ATooCommonTermIsDroppedEverywhereAndNeverListedAgain) {
  TermPostings postings(3);
  for (std::uint32_t slot = 0; slot < 3; ++slot) postings.assign(slot, std::vector<Term>{1, 100 + slot});
  EXPECT_EQ(candidates(postings, {1}).size(), 3u);
  postings.assign(3, std::vector<Term>{1, 103});  // the fourth: term 1 saturates
  EXPECT_TRUE(candidates(postings, {1}).empty());
  for (std::uint32_t slot = 0; slot < 4; ++slot) {
    const auto kept = postings.terms_of(slot);
    EXPECT_EQ(std::count(kept.begin(), kept.end(), Term{1}), 0) << slot;
    EXPECT_EQ(candidates(postings, {100 + slot}), (std::vector<std::uint32_t>{slot}));
  }
  postings.assign(9, std::vector<Term>{1});
  EXPECT_TRUE(candidates(postings, {1}).empty());
  for (std::uint32_t slot = 0; slot < 4; ++slot) postings.clear(slot);  // must not touch the dropped list
  EXPECT_TRUE(candidates(postings, {100, 101, 102, 103}).empty());
}

TEST(TermPostings, KeepsAtMostTheMaximumTermsPerSlot) {
  TermPostings postings;
  std::vector<Term> many;
  for (Term t = 0; t < 100; ++t) many.push_back(t);
  postings.assign(0, many);
  EXPECT_EQ(postings.terms_of(0).size(), TermPostings::kMaxTermsPerSlot);
}

}  // namespace
}  // namespace ragcache::index
