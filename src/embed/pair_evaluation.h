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
  double false_hit_rate = 0.0;  // false positives / label-0 pairs: how often a wrong answer is served
};

ThresholdScore score_threshold(std::span<const float> similarities, std::span<const LabelledPair> pairs,
                               float threshold);

// Recall at a fixed false-hit rate: the lowest threshold at which at most `rate` of the label-0
// pairs score at or above it, and the recall there. A score of -infinity (a pair a guard vetoed)
// is never a hit. Thresholds are exact scores (not a grid), so the rate is met as closely as the
// pairs allow.
struct RecallAtRate {
  double rate = 0.0;            // the false-hit rate asked for
  float threshold = 0.0f;       // lowest threshold meeting it
  double recall = 0.0;
  double false_hit_rate = 0.0;  // the rate actually reached (<= rate)
};
RecallAtRate recall_at_false_hit_rate(std::span<const float> scores, std::span<const LabelledPair> pairs, double rate);

// Thresholds from..to (inclusive) in steps of `step`.
std::vector<float> threshold_grid(float from, float to, float step);

// The score with the highest precision among those with recall >= min_recall (ties: higher
// recall, then lower threshold); empty when no threshold reaches that recall.
std::optional<ThresholdScore> best_precision_at_recall(std::span<const ThresholdScore> scores, double min_recall);

}  // namespace ragcache::embed
