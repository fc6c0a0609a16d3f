#include "embed/pair_evaluation.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <cmath>
#include <functional>

namespace ragcache::embed {
namespace {

Error line_error(std::size_t line, std::string_view what) {
  return Error(Errc::invalid_argument, "line " + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

Result<std::vector<LabelledPair>> parse_pairs_jsonl(std::string_view content) {
  std::vector<LabelledPair> pairs;
  std::size_t line_no = 0;
  while (!content.empty()) {
    const std::size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec) return line_error(line_no, "not valid JSON (" + ec.message() + ")");
    const auto* obj = v.if_object();
    if (!obj) return line_error(line_no, "expected a JSON object");
    LabelledPair pair;
    for (auto [field, out] : {std::pair{"q1", &pair.q1}, std::pair{"q2", &pair.q2}}) {
      const auto* s = obj->if_contains(field);
      if (!s || !s->is_string()) return line_error(line_no, std::string("\"") + field + "\" must be a string");
      *out = std::string(s->get_string());
    }
    const auto* label = obj->if_contains("label");
    if (label && label->is_bool()) {
      pair.same = label->get_bool();
    } else if (label && label->is_int64() && (label->get_int64() == 0 || label->get_int64() == 1)) {
      pair.same = label->get_int64() == 1;
    } else if (label && label->is_uint64() && label->get_uint64() <= 1) {
      pair.same = label->get_uint64() == 1;
    } else {
      return line_error(line_no, "\"label\" must be 0, 1, false or true");
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

ThresholdScore score_threshold(std::span<const float> similarities, std::span<const LabelledPair> pairs,
                               float threshold) {
  ThresholdScore s;
  s.threshold = threshold;
  const std::size_t n = std::min(similarities.size(), pairs.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool predicted = similarities[i] >= threshold;
    if (predicted && pairs[i].same) ++s.true_positives;
    else if (predicted) ++s.false_positives;
    else if (pairs[i].same) ++s.false_negatives;
    else ++s.true_negatives;
  }
  const double tp = static_cast<double>(s.true_positives);
  const std::size_t predicted = s.true_positives + s.false_positives;
  const std::size_t actual = s.true_positives + s.false_negatives;
  s.precision = predicted ? tp / static_cast<double>(predicted) : 1.0;
  s.recall = actual ? tp / static_cast<double>(actual) : 0.0;
  s.f1 = (s.precision + s.recall) > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  const std::size_t negatives = s.false_positives + s.true_negatives;
  s.false_hit_rate = negatives ? static_cast<double>(s.false_positives) / static_cast<double>(negatives) : 0.0;
  return s;
}

RecallAtRate recall_at_false_hit_rate(std::span<const float> scores, std::span<const LabelledPair> pairs, double rate) {
  const std::size_t n = std::min(scores.size(), pairs.size());
  std::vector<float> negatives;
  for (std::size_t i = 0; i < n; ++i) {
    if (!pairs[i].same) negatives.push_back(scores[i]);
  }
  std::sort(negatives.begin(), negatives.end(), std::greater<>());
  // At most `allowed` negatives may reach the threshold: it must lie just above the next one.
  const auto allowed = static_cast<std::size_t>(std::floor(rate * static_cast<double>(negatives.size()) + 1e-9));
  float threshold = -INFINITY;
  if (allowed < negatives.size()) threshold = std::nextafter(negatives[allowed], INFINITY);
  if (threshold == -INFINITY) threshold = std::nextafter(-INFINITY, 0.0f);  // a veto (-inf) is never a hit
  const auto s = score_threshold(scores.subspan(0, n), pairs.subspan(0, n), threshold);
  return {rate, threshold, s.recall, s.false_hit_rate};
}

std::vector<float> threshold_grid(float from, float to, float step) {
  std::vector<float> out;
  if (!(step > 0.0f) || !std::isfinite(from) || !std::isfinite(to)) return out;
  // Integer steps so rounding never adds or drops the last threshold.
  const auto n = static_cast<long>(std::floor((to - from) / step + 1e-4f));
  for (long i = 0; i <= n; ++i) out.push_back(from + static_cast<float>(i) * step);
  return out;
}

std::optional<ThresholdScore> best_precision_at_recall(std::span<const ThresholdScore> scores, double min_recall) {
  std::optional<ThresholdScore> best;
  for (const auto& s : scores) {
    if (s.recall < min_recall) continue;
    if (!best || s.precision > best->precision ||
        (s.precision == best->precision && (s.recall > best->recall ||
                                            (s.recall == best->recall && s.threshold < best->threshold)))) {
      best = s;
    }
  }
  return best;
}

}  // namespace ragcache::embed
