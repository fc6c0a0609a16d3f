#include "embed/sentencepiece_tokenizer.h"

#include <gtest/gtest.h>

#include "embed/use_lite_reference_data.h"
#include "embed/use_lite_test_support.h"

namespace ragcache::embed {
namespace {

// The tiny vocabulary's ids (use_lite_test_support.h): 6 reserved, then these.
constexpr std::int32_t kBoundary = 6, kA = 7, kB = 8, kBoundaryA = 9, kBoundaryAB = 10, kAB = 11, kC = 12, kBoundaryC = 13;

SentencePieceTokenizer tiny(std::vector<VocabPiece> vocab = testing::tiny_model().vocab) {
  return SentencePieceTokenizer::create(vocab).value();
}

TEST(SentencePieceTokenizerTest, TheMostProbableSegmentationWins) {
  // "▁ab" (-4) beats "▁a" + "b" (-5.5) and "▁" + "ab" (-6.5).
  EXPECT_EQ(tiny().encode("ab"), std::vector<std::int32_t>({kBoundaryAB}));
  // Spaces become "▁" and one goes in front: "▁a▁b".
  EXPECT_EQ(tiny().encode("a b"), std::vector<std::int32_t>({kBoundaryA, kBoundary, kB}));
  EXPECT_EQ(tiny().encode("ba"), std::vector<std::int32_t>({kBoundary, kB, kA}));
}

TEST(SentencePieceTokenizerTest, EmptyTextHasNoTokensAndSpacesAreKept) {
  EXPECT_TRUE(tiny().encode("").empty());
  EXPECT_EQ(tiny().encode(" "), std::vector<std::int32_t>({kBoundary, kBoundary}));
}

TEST(SentencePieceTokenizerTest, UnknownCharactersBecomeOneUnknownIdPerRun) {
  EXPECT_EQ(tiny().encode("xyz"), std::vector<std::int32_t>({kBoundary, 0}));
  EXPECT_EQ(tiny().encode("xaz"), std::vector<std::int32_t>({kBoundary, 0, kA, 0}));
  // Reserved pieces never match text, even spelled out.
  EXPECT_EQ(tiny().encode("<s>"), std::vector<std::int32_t>({kBoundary, 0}));
}

TEST(SentencePieceTokenizerTest, TiesGoToTheLaterStart) {
  auto vocab = testing::tiny_model().vocab;
  vocab[kBoundaryC].score = -8.0;  // "▁c" (-8) ties with "▁" (-2) + "c" (-6)
  EXPECT_EQ(tiny(vocab).encode("c"), std::vector<std::int32_t>({kBoundary, kC}));
  vocab[kBoundaryC].score = -7.9;
  EXPECT_EQ(tiny(vocab).encode("c"), std::vector<std::int32_t>({kBoundaryC}));
}

TEST(SentencePieceTokenizerTest, ABestTotalOfZeroCountsAsNotReachedAsInTheReference) {
  // A piece scored 0 (the package has ":00" at 0 and nulls read as 0) makes a total of exactly
  // 0 at its end, which the reference treats as "no total yet": the next candidate replaces it
  // even when it scores lower.
  auto vocab = testing::tiny_model().vocab;
  vocab[kBoundaryC].score = 0.0;
  EXPECT_EQ(tiny(vocab).encode("c"), std::vector<std::int32_t>({kBoundary, kC}));
}

TEST(SentencePieceTokenizerTest, ALaterDuplicatePieceWins) {
  auto vocab = testing::tiny_model().vocab;
  vocab.push_back({"\xE2\x96\x81" "ab", -1.0});  // id 14, a duplicate of "▁ab"
  EXPECT_EQ(tiny(vocab).encode("ab"), std::vector<std::int32_t>({14}));
}

TEST(SentencePieceTokenizerTest, NormalisesToNfkcFirst) {
  // Fullwidth "ａｂ" is "ab" after NFKC.
  EXPECT_EQ(tiny().encode("\xEF\xBD\x81\xEF\xBD\x82"), std::vector<std::int32_t>({kBoundaryAB}));
}

TEST(SentencePieceTokenizerTest, AVocabularyOfOnlyReservedIdsIsRefused) {
  auto vocab = testing::tiny_model().vocab;
  vocab.resize(6);
  EXPECT_FALSE(SentencePieceTokenizer::create(vocab));
}

TEST(SentencePieceTokenizerTest, IdsEqualTheReferenceTokenizers) {
  RAGCACHE_NEURAL_MODEL_OR_SKIP(path);
  auto model = read_use_lite_model_file(path);
  ASSERT_TRUE(model) << model.error().message();
  auto tokenizer = SentencePieceTokenizer::create(model->vocab);
  ASSERT_TRUE(tokenizer);
  const auto sentences = testing::reference_sentences();
  ASSERT_GE(sentences.size(), 60u);
  for (const auto& s : sentences) EXPECT_EQ(tokenizer->encode(s.text), s.ids) << s.text;
  EXPECT_TRUE(tokenizer->encode("").empty());
}

}  // namespace
}  // namespace ragcache::embed
