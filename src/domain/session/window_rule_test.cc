#include "domain/session/window_rule.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragcache::session {
namespace {

std::vector<WindowEntry> entries(std::initializer_list<std::pair<const char*, std::size_t>> list) {
  std::vector<WindowEntry> out;
  for (auto& [id, t] : list) out.push_back({id, t});
  return out;
}

std::vector<std::string> ids(const WindowModel& w) {
  std::vector<std::string> out;
  for (const auto& e : w.entries()) out.push_back(e.id);
  return out;
}

TEST(EntriesToTrim, NothingWhenWithinLimits) {
  std::vector<std::size_t> tokens = {10, 10, 10};
  EXPECT_EQ(entries_to_trim(tokens, 3, 30), 0u);
}

TEST(EntriesToTrim, CountLimitDropsOldest) {
  std::vector<std::size_t> tokens = {1, 1, 1, 1, 1};
  EXPECT_EQ(entries_to_trim(tokens, 3, 1000), 2u);
}

TEST(EntriesToTrim, TokenLimitDropsUntilTotalFits) {
  std::vector<std::size_t> tokens = {50, 30, 20, 10};  // 110 > 60: drop 50 (60 fits)
  EXPECT_EQ(entries_to_trim(tokens, 100, 60), 1u);
  EXPECT_EQ(entries_to_trim(tokens, 100, 59), 2u);
}

TEST(EntriesToTrim, NewestKeptEvenOverBudget) {
  std::vector<std::size_t> tokens = {5, 5, 500};
  EXPECT_EQ(entries_to_trim(tokens, 20, 100), 2u);
  std::vector<std::size_t> one = {500};
  EXPECT_EQ(entries_to_trim(one, 1, 1), 0u);
}

TEST(EntriesToTrim, EmptyWindow) { EXPECT_EQ(entries_to_trim({}, 1, 1), 0u); }

TEST(WindowModel, MatchesRpushLtrimForCountOnly) {
  WindowModel w;
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    const auto id = std::string("m").append(std::to_string(i));
    auto e = entries({{id.c_str(), 1}});
    w.append(e, 20, 1'000'000);
    expected.push_back(id);
    if (expected.size() > 20) expected.erase(expected.begin());
  }
  EXPECT_EQ(ids(w), expected);
  EXPECT_EQ(w.token_total(), 20u);
}

TEST(WindowModel, DuplicateIdsAreSkipped) {
  WindowModel w;
  auto first = entries({{"a", 1}, {"b", 1}});
  auto out = w.append(first, 20, 100);
  EXPECT_EQ(out.appended, (std::vector<std::string>{"a", "b"}));
  auto retry = entries({{"b", 1}, {"c", 1}});
  out = w.append(retry, 20, 100);
  EXPECT_EQ(out.appended, (std::vector<std::string>{"c"}));
  EXPECT_EQ(out.duplicates, (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids(w), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(WindowModel, TrimmedIdsReportedOldestFirst) {
  WindowModel w;
  auto batch = entries({{"a", 40}, {"b", 40}, {"c", 40}});
  auto out = w.append(batch, 20, 100);
  EXPECT_EQ(out.trimmed, (std::vector<std::string>{"a"}));
  EXPECT_EQ(ids(w), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(w.token_total(), 80u);
}

TEST(WindowModel, ApplyRejectsTrimThatIsNotTheFront) {
  WindowModel w;
  auto batch = entries({{"a", 1}, {"b", 1}});
  AppendOutcome ok{{"a", "b"}, {}, {"a"}};
  EXPECT_TRUE(w.apply(ok, batch));
  EXPECT_EQ(ids(w), (std::vector<std::string>{"b"}));
  WindowModel w2;
  AppendOutcome bad{{"a", "b"}, {}, {"b"}};
  EXPECT_FALSE(w2.apply(bad, batch));
}

}  // namespace
}  // namespace ragcache::session
