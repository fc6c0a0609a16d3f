// HashedNgramEmbedder: the built-in embedder. Offline, deterministic (same text, same vector on
// every machine and run), no model files, about 30 microseconds per question.
//
// Text -> weighted features (see text_features.h: word/phrase/pairs/chars families) -> each
// feature hashed to one of `dimension` buckets with a hashed +/- sign (so collisions cancel on
// average instead of piling up) -> sublinear term frequency (1 + ln tf) -> each family scaled
// to a fixed share of the squared norm -> L2-normalised. The cosine of two texts is then close
// to the share-weighted mean of the four per-family cosines.
//
// What it can and cannot do: it recognises near-duplicates (filler words, "how do I" vs "how can
// I", inflection, punctuation, case, accents, small reorderings) and keeps apart texts that differ
// in a content word, a number, a negation or a direction ("from A to B" vs "from B to A"). It does not know synonyms: "reset my password" and "I forgot my login" are far
// apart. For real paraphrase matching, configure an embeddings endpoint.
#pragma once

#include <memory>
#include <string>

#include "embed/embedder.h"
#include "embed/text_features.h"

namespace ragcache::embed {

// Default cosine threshold for a semantic hit with this embedder, chosen with
// `ragcache eval-semantic` on data/semantic_pairs.jsonl (precision 1.000, recall 0.637 there;
// the most similar hard negative scores 0.864) and checked on the held-out set and banking77
// (see bench/semantic/README.md). It favours precision: a wrong answer costs more than a miss.
inline constexpr float kHashedNgramDefaultThreshold = 0.90f;

struct HashedNgramOptions {
  std::size_t dimension = 384;
  // Shares of the squared norm given to each feature family (normalised to sum to 1).
  // Chosen with eval-semantic; the pairs family is what keeps long near-identical questions
  // that differ in one word apart.
  float word_share = 0.5f;
  float phrase_share = 0.2f;
  float chars_share = 0.3f;
  float pairs_share = 0.8f;
  FeatureWeights weights = {};
};

class HashedNgramEmbedder final : public Embedder {
 public:
  // Errors (invalid_argument) for dimension < 16 or > 65536, or shares that are negative or all 0.
  // The model id names the dimension ("ragcache-hashed-ngram-v1-384"); any change to features,
  // weights or hashing must bump "v1" so stored vectors are never compared with new ones.
  static Result<std::unique_ptr<HashedNgramEmbedder>> create(const HashedNgramOptions& options = {});

  // The vector of one text (unit length). Thread-safe; pure.
  Vector embed_text(std::string_view text) const;

  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;
  std::size_t dimension() const override { return options_.dimension; }
  std::string_view model_id() const override { return model_id_; }

 private:
  explicit HashedNgramEmbedder(const HashedNgramOptions& options);
  HashedNgramOptions options_;
  std::string model_id_;
};

}  // namespace ragcache::embed
