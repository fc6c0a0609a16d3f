#include "embed/hit_rule.h"

#include <gtest/gtest.h>

namespace ragcache::embed {
namespace {

float lexical_cosine(std::string_view a, std::string_view b) {
  auto e = HashedNgramEmbedder::create().value();
  const auto x = e->embed_text(a), y = e->embed_text(b);
  float s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

TEST(HitRuleTest, ScoreWeighsTheVectorsAndTheLexicalCosine) {
  const auto rule = HitRule::create({.vector_weight = 0.75f, .guards = true}).value();
  const std::string a = "How do I reset my password?", b = "how can I reset my password";
  const auto s = rule->score(rule->prepare(a), b, 0.8f);
  ASSERT_TRUE(s);
  EXPECT_NEAR(*s, 0.75f * 0.8f + 0.25f * lexical_cosine(a, b), 1e-5);
  const auto back = rule->score(rule->prepare(b), a, 0.8f);
  ASSERT_TRUE(back);
  EXPECT_NEAR(*back, *s, 1e-6) << "symmetric";
}

TEST(HitRuleTest, AGuardVetoesWhateverTheSimilarity) {
  const auto rule = HitRule::create().value();
  EXPECT_FALSE(rule->score(rule->prepare("price of gold in 2023"), "price of gold in 2024", 1.0f));
  EXPECT_FALSE(rule->score(rule->prepare("Is it open?"), "Is it not open?", 1.0f));
  const auto off = HitRule::create({.vector_weight = 1.0f, .guards = false}).value();
  const auto s = off->score(off->prepare("price of gold in 2023"), "price of gold in 2024", 0.97f);
  ASSERT_TRUE(s);
  EXPECT_FLOAT_EQ(*s, 0.97f) << "weight 1 without guards is the vectors' cosine";
}

TEST(HitRuleTest, CandidateFloorIsTheLowestVectorCosineThatCanStillReachTheThreshold) {
  const auto rule = HitRule::create({.vector_weight = 0.9f}).value();
  EXPECT_NEAR(rule->candidate_floor(0.935f), (0.935f - 0.1f) / 0.9f, 1e-6);
  // At the floor, a lexical cosine of 1 reaches the threshold exactly.
  const float floor = rule->candidate_floor(0.95f);
  EXPECT_NEAR(0.9f * floor + 0.1f * 1.0f, 0.95f, 1e-6);
  EXPECT_FLOAT_EQ(HitRule::create({.vector_weight = 1.0f}).value()->candidate_floor(0.9f), 0.9f);
  EXPECT_FLOAT_EQ(HitRule::create({.vector_weight = 0.0f}).value()->candidate_floor(0.9f), -1.0f);
}

TEST(HitRuleTest, AWeightOutsideZeroToOneIsRefused) {
  EXPECT_FALSE(HitRule::create({.vector_weight = 1.5f}));
  EXPECT_FALSE(HitRule::create({.vector_weight = -0.1f}));
}

}  // namespace
}  // namespace ragcache::embed
