// HashedNgramEmbedder: the built-in embedder. Offline, deterministic (same text, same vector on
// every machine and run), no model files, a few microseconds per text.
//
// Text -> weighted features (see text_features.h: word/phrase/character families) -> each
// feature hashed to one of `dimension` buckets with a hashed +/- sign (so collisions cancel on
// average instead of piling up) -> sublinear term frequency (1 + ln tf) -> each family scaled
// to a fixed share of the squared norm -> L2-normalised. The cosine of two texts is then close
// to share_word * cos_word + share_phrase * cos_phrase + share_chars * cos_chars.
//
// What it can and cannot do: it recognises near-duplicates (reordering, filler words, typos,
// inflection, punctuation, case) and keeps apart texts that differ in a content word, a number
// or a negation. It does not know synonyms: "reset my password" and "I forgot my login" are far
// apart. For real paraphrase matching, configure an embeddings endpoint.
#pragma once

#include <memory>
#include <string>

#include "embed/embedder.h"
#include "embed/text_features.h"

namespace ragcache::embed {

// Default cosine threshold for a semantic hit with this embedder, chosen with
// `ragcache eval-semantic` on data/semantic_pairs.jsonl and the banking77 dev set
// (see bench/semantic/README.md): it favours precision, since a wrong answer costs more than a
// miss.
inline constexpr float kHashedNgramDefaultThreshold = 0.90f;

struct HashedNgramOptions {
  std::size_t dimension = 384;
  // Shares of the squared norm given to each feature family (normalised to sum to 1).
  float word_share = 0.5f;
  float phrase_share = 0.2f;
  float chars_share = 0.3f;
  float pairs_share = 0.8f;
  FeatureWeights weights;
};

class HashedNgramEmbedder final : public Embedder {
 public:
  // Errors (invalid_argument) for dimension < 16 or > 65536, or shares that are negative or all 0.
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
