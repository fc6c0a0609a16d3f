#include "embed/pair_evaluation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ragcache::embed {
namespace {

TEST(PairEvaluation, ParsesJsonLines) {
  auto pairs = parse_pairs_jsonl(
      "{\"q1\":\"a\",\"q2\":\"b\",\"label\":1,\"source\":\"x\"}\n"
      "\n"
      "{\"q1\":\"c\",\"q2\":\"d\",\"label\":false}\r\n");
  ASSERT_TRUE(pairs);
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0].q1, "a");
  EXPECT_TRUE((*pairs)[0].same);
  EXPECT_EQ((*pairs)[1].q2, "d");
  EXPECT_FALSE((*pairs)[1].same);
}

TEST(PairEvaluation, NamesTheFirstBadLine) {
  auto bad_json = parse_pairs_jsonl("{\"q1\":\"a\",\"q2\":\"b\",\"label\":1}\n{oops\n");
  ASSERT_FALSE(bad_json);
  EXPECT_NE(bad_json.error().detail.find("line 2"), std::string::npos);
  auto bad_label = parse_pairs_jsonl("{\"q1\":\"a\",\"q2\":\"b\",\"label\":2}");
  ASSERT_FALSE(bad_label);
  EXPECT_NE(bad_label.error().detail.find("label"), std::string::npos);
  EXPECT_FALSE(parse_pairs_jsonl("{\"q1\":\"a\",\"label\":1}"));
  EXPECT_FALSE(parse_pairs_jsonl("[1,2]"));
}

TEST(PairEvaluation, ScoresAThreshold) {
  const std::vector<LabelledPair> pairs{{"", "", true}, {"", "", true}, {"", "", false}, {"", "", false}};
  const std::vector<float> sims{0.9f, 0.5f, 0.95f, 0.1f};
  const auto s = score_threshold(sims, pairs, 0.8f);
  EXPECT_EQ(s.true_positives, 1u);
  EXPECT_EQ(s.false_positives, 1u);
  EXPECT_EQ(s.false_negatives, 1u);
  EXPECT_EQ(s.true_negatives, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);
  EXPECT_DOUBLE_EQ(s.false_hit_rate, 0.5);
  const auto none = score_threshold(sims, pairs, 0.99f);
  EXPECT_DOUBLE_EQ(none.precision, 1.0);  // nothing served, nothing wrong
  EXPECT_DOUBLE_EQ(none.recall, 0.0);
}

TEST(PairEvaluation, RecallAtAFixedFalseHitRate) {
  // 10 negatives scoring 0.0 .. 0.9, 4 positives; one vetoed (-inf).
  std::vector<LabelledPair> pairs;
  std::vector<float> scores;
  for (int i = 0; i < 10; ++i) {
    pairs.push_back({"", "", false});
    scores.push_back(0.1f * static_cast<float>(i));
  }
  for (float s : {0.95f, 0.85f, 0.5f, -INFINITY}) {
    pairs.push_back({"", "", true});
    scores.push_back(s);
  }
  const auto none = recall_at_false_hit_rate(scores, pairs, 0.05);  // no negative may hit
  EXPECT_GT(none.threshold, 0.9f);
  EXPECT_DOUBLE_EQ(none.false_hit_rate, 0.0);
  EXPECT_DOUBLE_EQ(none.recall, 0.25);
  const auto one = recall_at_false_hit_rate(scores, pairs, 0.1);  // the negative at 0.9 may
  EXPECT_DOUBLE_EQ(one.false_hit_rate, 0.1);
  EXPECT_DOUBLE_EQ(one.recall, 0.5);
  const auto all = recall_at_false_hit_rate(scores, pairs, 1.0);
  EXPECT_DOUBLE_EQ(all.recall, 0.75) << "a vetoed pair is never a hit";
  EXPECT_DOUBLE_EQ(all.false_hit_rate, 1.0);
}

TEST(PairEvaluation, PicksBestPrecisionAtMinimumRecall) {
  std::vector<ThresholdScore> scores(3);
  scores[0] = {.threshold = 0.5f, .precision = 0.6, .recall = 0.9};
  scores[1] = {.threshold = 0.7f, .precision = 0.9, .recall = 0.6};
  scores[2] = {.threshold = 0.9f, .precision = 1.0, .recall = 0.3};
  auto best = best_precision_at_recall(scores, 0.5);
  ASSERT_TRUE(best);
  EXPECT_FLOAT_EQ(best->threshold, 0.7f);
  EXPECT_FALSE(best_precision_at_recall(scores, 0.95));
}

TEST(PairEvaluation, ThresholdGridIncludesBothEnds) {
  const auto grid = threshold_grid(0.5f, 0.6f, 0.05f);
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_FLOAT_EQ(grid.back(), 0.6f);
  EXPECT_TRUE(threshold_grid(0.5f, 0.6f, 0.0f).empty());
}

}  // namespace
}  // namespace ragcache::embed
