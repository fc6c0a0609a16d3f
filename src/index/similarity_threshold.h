// Which cosine a semantic lookup must reach to count as a hit: a default (tuned per embedder,
// see embed/hashed_ngram_embedder.h), overridable per namespace, overridable per call.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/error.h"

namespace ragcache::index {

class SimilarityThresholds {
 public:
  // Errors (invalid_argument) if `default_threshold` is not within [-1, 1].
  static Result<SimilarityThresholds> create(float default_threshold);

  // Sets the threshold of one namespace; invalid_argument outside [-1, 1].
  Result<void> set_for_namespace(std::string name_space, float threshold);

  // The per-call value if given, else the namespace's, else the default. A per-call value
  // outside [-1, 1] is an error (it comes from a request).
  Result<float> resolve(std::string_view name_space, std::optional<float> per_call = std::nullopt) const;

  float default_threshold() const { return default_; }

 private:
  explicit SimilarityThresholds(float d) : default_(d) {}
  float default_;
  std::unordered_map<std::string, float> per_namespace_;
};

}  // namespace ragcache::index
