// `ragcache eval-semantic --pairs FILE.jsonl`: how well the built-in embedder separates pairs
// that one answer serves (label 1) from pairs that need different answers (label 0), per
// similarity threshold, and which threshold is most precise at a useful recall. Used to choose
// the semantic cache's default threshold (see bench/semantic/README.md).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "embed/hashed_ngram_embedder.h"
#include "embed/pair_evaluation.h"

namespace ragcache::app {
namespace {

struct EvalSemanticOptions {
  std::string pairs_file;
  std::size_t dimension = 384;
  float from = 0.0f;
  float to = 1.0f;
  float step = 0.02f;
  double min_recall = 0.5;
  std::size_t show_errors = 0;
};

float cosine(const embed::Vector& a, const embed::Vector& b) {
  float s = 0.0f;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) s += a[i] * b[i];
  return s;
}

void print_score(const embed::ThresholdScore& s) {
  std::printf("%9.2f  %9.3f  %6.3f  %6.3f  %6zu  %6zu  %6zu  %6zu\n", s.threshold, s.precision, s.recall, s.f1,
              s.true_positives, s.false_positives, s.false_negatives, s.true_negatives);
}

int run(const EvalSemanticOptions& opts) {
  std::ifstream in(opts.pairs_file, std::ios::binary);
  if (!in) {
    std::cerr << "eval-semantic: cannot read " << opts.pairs_file << "\n";
    return 1;
  }
  std::stringstream content;
  content << in.rdbuf();
  auto pairs = embed::parse_pairs_jsonl(content.str());
  if (!pairs) {
    std::cerr << "eval-semantic: " << opts.pairs_file << ": " << pairs.error().message() << "\n";
    return 1;
  }
  if (pairs->empty()) {
    std::cerr << "eval-semantic: " << opts.pairs_file << " has no pairs\n";
    return 1;
  }
  embed::HashedNgramOptions embed_opts;
  embed_opts.dimension = opts.dimension;
  auto embedder = embed::HashedNgramEmbedder::create(embed_opts);
  if (!embedder) {
    std::cerr << "eval-semantic: " << embedder.error().message() << "\n";
    return 1;
  }
  const auto thresholds = embed::threshold_grid(opts.from, opts.to, opts.step);
  if (thresholds.empty()) {
    std::cerr << "eval-semantic: empty threshold range (need --from <= --to and --step > 0)\n";
    return 1;
  }

  std::vector<float> similarities;
  similarities.reserve(pairs->size());
  for (const auto& p : *pairs) {
    similarities.push_back(cosine((*embedder)->embed_text(p.q1), (*embedder)->embed_text(p.q2)));
  }
  const auto positives = static_cast<std::size_t>(std::count_if(pairs->begin(), pairs->end(), [](auto& p) { return p.same; }));
  std::printf("pairs: %zu (%zu positive, %zu negative); embedder %s\n", pairs->size(), positives,
              pairs->size() - positives, std::string((*embedder)->model_id()).c_str());
  std::printf("%9s  %9s  %6s  %6s  %6s  %6s  %6s  %6s\n", "threshold", "precision", "recall", "f1", "tp", "fp",
              "fn", "tn");
  std::vector<embed::ThresholdScore> scores;
  for (float t : thresholds) {
    scores.push_back(embed::score_threshold(similarities, *pairs, t));
    print_score(scores.back());
  }

  const auto best = embed::best_precision_at_recall(scores, opts.min_recall);
  if (best) {
    std::printf("best precision at recall >= %.2f: threshold %.2f (precision %.3f, recall %.3f, f1 %.3f)\n",
                opts.min_recall, best->threshold, best->precision, best->recall, best->f1);
  } else {
    std::printf("best precision at recall >= %.2f: no threshold in range reaches that recall\n", opts.min_recall);
  }
  const auto def = embed::score_threshold(similarities, *pairs, embed::kHashedNgramDefaultThreshold);
  std::printf("default threshold %.2f: precision %.3f, recall %.3f, f1 %.3f\n", def.threshold, def.precision,
              def.recall, def.f1);

  if (opts.show_errors > 0) {
    // The most similar wrong matches at the default threshold: what the cache would get wrong.
    std::vector<std::size_t> order(pairs->size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return similarities[a] > similarities[b]; });
    std::printf("highest-scoring negatives (label 0):\n");
    std::size_t shown = 0;
    for (std::size_t i : order) {
      if ((*pairs)[i].same) continue;
      std::printf("  %.3f  %s  |  %s\n", similarities[i], (*pairs)[i].q1.c_str(), (*pairs)[i].q2.c_str());
      if (++shown == opts.show_errors) break;
    }
  }
  return 0;
}

}  // namespace

void add_eval_semantic_command(CLI::App& app) {
  auto opts = std::make_shared<EvalSemanticOptions>();
  auto* cmd = app.add_subcommand(
      "eval-semantic",
      "Score the built-in embedder on labelled pairs: precision, recall and F1 per similarity threshold");
  cmd->add_option("--pairs", opts->pairs_file, "JSON lines file, one {\"q1\",\"q2\",\"label\"} object a line")
      ->required();
  cmd->add_option("--dimension", opts->dimension, "Embedding dimension of the built-in embedder")
      ->capture_default_str()
      ->check(CLI::Range(16, 65536));
  cmd->add_option("--from", opts->from, "Lowest threshold")->capture_default_str()->check(CLI::Range(-1.0, 1.0));
  cmd->add_option("--to", opts->to, "Highest threshold")->capture_default_str()->check(CLI::Range(-1.0, 1.0));
  cmd->add_option("--step", opts->step, "Threshold step")->capture_default_str()->check(CLI::Range(0.001, 1.0));
  cmd->add_option("--min-recall", opts->min_recall, "Recall the chosen threshold must reach")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--show-errors", opts->show_errors, "Also list the N most similar negative pairs");
  cmd->callback([opts] {
    const int rc = run(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
