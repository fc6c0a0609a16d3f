// HitRule: whether a cached question's answer may serve a new question, from more than the
// cosine of their vectors. The semantic cache finds candidates by vector (the index), then asks
// the rule about each one it verified in Redis; the rule sees both question texts.
//
// The built-in rule (the gateway's default, with the neural embedder's vectors):
//   score = w * cosine(neural vectors) + (1 - w) * cosine(lexical vectors)
//   a hit when score >= threshold and no question guard vetoes (question_guards.h: numbers,
//   negation, names, opposites, direction differ); for text mostly in a non-Latin script (the
//   neural model reads English) the lexical cosine alone is the score.
// The two signals fail differently: the neural encoder recognises rewordings the lexical
// features cannot ("reset my password" / "I forgot my login") but rates near-identical questions
// that differ in one crucial word almost as alike as true repeats; the lexical features and the
// guards see exactly those differences. w and the threshold were chosen on labelled pairs by
// cross-validation (bench/semantic/README.md, "decision rule"); the lexical vector of a
// candidate is recomputed from its stored question (~30 us), so the index holds only the
// neural vectors (512 floats).
//
// Thread safety: const methods, safe to share.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "embed/hashed_ngram_embedder.h"
#include "embed/question_guards.h"

namespace ragcache::embed {

// The built-in rule's weight of the neural cosine and its default threshold.
inline constexpr float kBuiltinRuleNeuralWeight = 0.9f;
inline constexpr float kBuiltinRuleDefaultThreshold = 0.935f;

struct HitRuleOptions {
  // Share of the vectors' cosine in the score; the rest is the lexical cosine (1: vectors only).
  float vector_weight = kBuiltinRuleNeuralWeight;
  bool guards = true;  // veto when numbers, negation or names differ
};

class HitRule {
 public:
  // invalid_argument for a weight outside [0, 1].
  static Result<std::shared_ptr<const HitRule>> create(const HitRuleOptions& options = {});

  // What the rule needs of the question being looked up, computed once per lookup.
  struct Query {
    QuestionFacts facts;
    Vector lexical;  // empty when the rule does not use the lexical cosine
  };
  Query prepare(std::string_view question) const;

  // The score of `candidate` (a cached question) for `query`, given the cosine of their vectors;
  // nullopt when a guard vetoes. Symmetric in the two questions.
  std::optional<float> score(const Query& query, std::string_view candidate, float vector_similarity) const;

  // The lowest vector cosine that can still score `threshold` (the lexical cosine is at most 1):
  // what the index is searched down to.
  float candidate_floor(float threshold) const;

  const HitRuleOptions& options() const { return options_; }

 private:
  HitRule(const HitRuleOptions& options, std::unique_ptr<HashedNgramEmbedder> lexical);
  HitRuleOptions options_;
  std::unique_ptr<HashedNgramEmbedder> lexical_;  // null when vector_weight == 1
};

}  // namespace ragcache::embed
