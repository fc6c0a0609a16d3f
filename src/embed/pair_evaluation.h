// Scoring a similarity threshold on labelled text pairs: the pure part of
// `ragcache eval-semantic`. A pair is predicted "same" when its cosine >= threshold; label 1
// means one answer serves both texts. Precision matters most: a false positive serves a wrong
// answer, a false negative only costs an LLM call.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache::embed {

struct LabelledPair {
  std::string q1;
  std::string q2;
  bool same = false;
};

// One JSON object per line with string fields "q1", "q2" and "label" (0/1 or false/true);
// other fields are ignored, blank lines skipped. Errors name the first bad line.
Result<std::vector<LabelledPair>> parse_pairs_jsonl(std::string_view content);

struct ThresholdScore {
  float threshold = 0.0f;
  std::size_t true_positives = 0, false_positives = 0, false_negatives = 0, true_negatives = 0;
  double precision = 0.0;  // 1 when nothing is predicted positive (no wrong answer served)
  double recall = 0.0;
  double f1 = 0.0;
};

ThresholdScore score_threshold(std::span<const float> similarities, std::span<const LabelledPair> pairs,
                               float threshold);

// Thresholds from..to (inclusive) in steps of `step`.
std::vector<float> threshold_grid(float from, float to, float step);

// The score with the highest precision among those with recall >= min_recall (ties: higher
// recall, then lower threshold); empty when no threshold reaches that recall.
std::optional<ThresholdScore> best_precision_at_recall(std::span<const ThresholdScore> scores, double min_recall);

}  // namespace ragcache::embed
