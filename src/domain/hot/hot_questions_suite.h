// The hot questions test suite, written once for any Redis deployment: hot_questions_itest.cc runs
// it on one redis-server, hot_questions_ctest.cc on a 6-node Redis Cluster.
#pragma once

#include "domain/hot/hot_questions.h"

#include <algorithm>
#include <map>
#include <random>

#include "support/deployment_test.h"

namespace ragcache::hot {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class HotQuestionsTest : public testing::DeploymentTest {
 protected:
  HotOptions options() { return {.key_prefix = prefix_ + "rag:hot:"}; }
};

TEST_P(HotQuestionsTest, RankingMatchesAReferenceCountOverAGeneratedWorkload) {
  HotQuestions hot(*client_, options());
  const auto now = Clock::now();
  // 60 questions with Zipf-like popularity, asked over the last 30 hours in three spellings
  // each; reference counts per hour kept here.
  std::mt19937 rng(12345);
  std::vector<std::string> base;
  for (int i = 0; i < 60; ++i) base.push_back("What is topic number " + std::to_string(i) + "?");
  std::vector<double> weights;
  for (int i = 0; i < 60; ++i) weights.push_back(1.0 / (i + 1));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::uniform_int_distribution<int> hour_ago(0, 29);
  std::map<int, std::map<std::string, std::int64_t>> reference;  // hours ago -> question -> count
  struct Ask {
    std::string text;
    int ago;
  };
  std::vector<Ask> asks;
  for (int n = 0; n < 3000; ++n) {
    int q = pick(rng);
    int ago = hour_ago(rng);
    std::string text = base[q];
    if (n % 3 == 1) text = "  " + text + "  ";
    if (n % 3 == 2) std::transform(text.begin(), text.end(), text.begin(), ::toupper);
    reference[ago][normalize_question(base[q])] += 1;
    asks.push_back({text, ago});
  }
  run_concurrently(static_cast<int>(asks.size()), [&](int i) -> boost::asio::awaitable<void> {
    auto r = co_await hot.record("ns", asks[i].text, now - std::chrono::hours(asks[i].ago));
    EXPECT_TRUE(r && *r) << (r ? std::string("nothing recorded") : r.error().message());
  });

  for (int window : {1, 6, 24}) {
    std::map<std::string, std::int64_t> want;
    for (int ago = 0; ago < window; ++ago)
      for (const auto& [q, c] : reference[ago]) want[q] += c;
    std::vector<HotQuestion> expected;
    for (const auto& [q, c] : want) expected.push_back({q, c});
    std::sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.count > b.count; });

    const std::size_t k = 10;
    auto top = run(hot.top("ns", std::chrono::hours(window), k, now));
    ASSERT_TRUE(top) << top.error().message();
    ASSERT_EQ(top->size(), std::min(k, expected.size())) << "window " << window;
    for (std::size_t i = 0; i < top->size(); ++i) {
      // Same count at each rank (ties may come in any order), and each count is that question's.
      EXPECT_EQ((*top)[i].count, expected[i].count) << "window " << window << " rank " << i;
      EXPECT_EQ((*top)[i].count, want[(*top)[i].question]) << (*top)[i].question;
      if (i > 0) {
        EXPECT_GE((*top)[i - 1].count, (*top)[i].count);
      }
    }
  }
}

TEST_P(HotQuestionsTest, OldHoursFallOutOfTheWindowAndBucketsExpire) {
  HotQuestions hot(*client_, options());
  const auto now = Clock::now();
  ASSERT_TRUE(*run(hot.record("n2", "old question", now - 5h, 100)));
  ASSERT_TRUE(*run(hot.record("n2", "new question", now, 2)));
  auto recent = run(hot.top("n2", 2h, 5, now));
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0], (HotQuestion{"new question", 2}));
  auto day = run(hot.top("n2", 24h, 5, now));
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].question, "old question");
  // Every bucket has a TTL (the retention): nothing in the cache role lives forever.
  auto ttl = std::stoll(redis_cmd({"PTTL", hot_bucket_key(options().key_prefix, "n2", hour_index(now))}));
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, std::chrono::duration_cast<std::chrono::milliseconds>(options().retention + 1h).count());
  // The scratch key of top() is gone.
  EXPECT_EQ(redis_cmd({"KEYS", "*scratch*"}), "");
}

TEST_P(HotQuestionsTest, NamespacesAreSeparateAndBadInputIsRefused) {
  HotQuestions hot(*client_, options());
  ASSERT_TRUE(*run(hot.record("a", "q1")));
  ASSERT_TRUE(*run(hot.record("b", "q2")));
  auto a = run(hot.top("a", 1h, 10));
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].question, "q1");
  auto empty = run(hot.record("a", "  ?? "));
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
  EXPECT_FALSE(run(hot.record("a{", "q")));
  EXPECT_FALSE(run(hot.top("a", 0h, 10)));
  EXPECT_FALSE(run(hot.top("a", 1h, 0)));
  EXPECT_FALSE(run(hot.top("a", 24h * 30, 10)));
}

TEST_P(HotQuestionsTest, BucketsStayBounded) {
  auto opts = options();
  opts.max_members_per_hour = 5;
  HotQuestions hot(*client_, opts);
  const auto now = Clock::now();
  ASSERT_TRUE(*run(hot.record("b", "popular", now, 50)));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(*run(hot.record("b", "rare " + std::to_string(i), now)));
  EXPECT_EQ(redis_cmd({"ZCARD", hot_bucket_key(opts.key_prefix, "b", hour_index(now))}), "5");
  auto top = run(hot.top("b", 1h, 1, now));
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0], (HotQuestion{"popular", 50}));
}

}  // namespace
}  // namespace ragcache::hot
