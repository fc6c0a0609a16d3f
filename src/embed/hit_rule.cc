#include "embed/hit_rule.h"

#include <algorithm>
#include <cmath>

namespace ragcache::embed {

Result<std::shared_ptr<const HitRule>> HitRule::create(const HitRuleOptions& options) {
  if (!(options.vector_weight >= 0.0f && options.vector_weight <= 1.0f)) {
    return Error(Errc::invalid_argument, "hit rule: vector weight must be within [0, 1]");
  }
  std::unique_ptr<HashedNgramEmbedder> lexical;
  if (options.vector_weight < 1.0f) {
    auto e = HashedNgramEmbedder::create();
    if (!e) return e.error();
    lexical = std::move(*e);
  }
  return std::shared_ptr<const HitRule>(new HitRule(options, std::move(lexical)));
}

HitRule::HitRule(const HitRuleOptions& options, std::unique_ptr<HashedNgramEmbedder> lexical)
    : options_(options), lexical_(std::move(lexical)) {}

HitRule::Query HitRule::prepare(std::string_view question) const {
  Query q;
  q.facts = question_facts(question);
  if (lexical_) q.lexical = lexical_->embed_text(question);
  return q;
}

std::optional<float> HitRule::score(const Query& query, std::string_view candidate, float vector_similarity) const {
  const QuestionFacts facts = question_facts(candidate);
  if (options_.guards && compare_questions(query.facts, facts) != GuardVeto::none) return std::nullopt;
  if (!lexical_) return vector_similarity;
  const Vector other = lexical_->embed_text(candidate);
  double lexical = 0.0;
  for (std::size_t i = 0; i < other.size() && i < query.lexical.size(); ++i) lexical += query.lexical[i] * other[i];
  // The neural model reads English: text mostly in another script is mostly unknown pieces to it,
  // whose vectors all look alike. There the lexical cosine decides alone.
  const float w = query.facts.non_latin || facts.non_latin ? 0.0f : options_.vector_weight;
  return w * vector_similarity + (1.0f - w) * static_cast<float>(lexical);
}

float HitRule::candidate_floor(float threshold) const {
  const float w = options_.vector_weight;
  if (w >= 1.0f) return threshold;
  if (w <= 0.0f) return -1.0f;  // the vectors do not count: every candidate could qualify
  return std::max(-1.0f, (threshold - (1.0f - w)) / w);
}

}  // namespace ragcache::embed
