#include "embed/question_terms.h"

#include <algorithm>

#include "base/hash.h"
#include "embed/text_features.h"

namespace ragcache::embed {
namespace {

constexpr std::size_t kMaxTerms = 32;  // index::TermPostings::kMaxTermsPerSlot

}  // namespace

std::vector<std::uint32_t> question_terms(std::string_view question) {
  const FeatureWeights weights;
  // Anything weighed below a short content word is a stop word or a single CJK character.
  const float min_weight = std::min(weights.short_word, weights.question_word);
  std::vector<std::uint32_t> terms;
  for (const Feature& f : extract_features(question, weights, /*words_only=*/true)) {
    if (f.weight < min_weight) continue;
    // Stored in index snapshots and change-feed events: the hash is fixed forever.
    const std::uint32_t h = fnv1a_32(f.key);
    if (std::find(terms.begin(), terms.end(), h) != terms.end()) continue;
    terms.push_back(h);
    if (terms.size() == kMaxTerms) break;
  }
  std::sort(terms.begin(), terms.end());
  return terms;
}

}  // namespace ragcache::embed
