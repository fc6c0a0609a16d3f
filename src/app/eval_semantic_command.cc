// `ragcache eval-semantic --pairs FILE.jsonl`: how well the semantic cache's embedder and
// decision rule separate pairs that one answer serves (label 1) from pairs that need different
// answers (label 0). By default it scores exactly what `ragcache serve` uses by default
// (builtin_embedder.h: the neural embedder with the built-in rule, or the lexical embedder when
// the model file is missing); --embedder lexical|neural scores those alone.
//
// Reports recall at fixed false-hit rates (1%, 2%, 5% of the label-0 pairs served a wrong
// answer), precision/recall/false-hit rate per threshold, and the default threshold's. A pair is
// scored as a lookup of q2 in a cache holding q1. --scores writes each pair's signals (vector
// cosine, lexical cosine, guard veto, whether both are mostly Latin script, score) for tuning
// (bench/semantic/tune_rule.py).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/builtin_embedder.h"
#include "app/commands.h"
#include "embed/hashed_ngram_embedder.h"
#include "embed/pair_evaluation.h"
#include "embed/question_guards.h"

namespace ragcache::app {
namespace {

struct EvalSemanticOptions {
  std::string pairs_file;
  std::string embedder = "builtin";
  std::string neural_model;
  std::size_t dimension = 384;
  float from = 0.0f;
  float to = 1.0f;
  float step = 0.02f;
  double min_recall = 0.5;
  std::size_t show_errors = 0;
  std::string scores_file;
};

float cosine(const embed::Vector& a, const embed::Vector& b) {
  float s = 0.0f;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) s += a[i] * b[i];
  return s;
}

void print_score(const embed::ThresholdScore& s) {
  std::printf("%9.3f  %9.3f  %6.3f  %6.2f%%  %6.3f  %6zu  %6zu  %6zu  %6zu\n", s.threshold, s.precision, s.recall,
              100 * s.false_hit_rate, s.f1, s.true_positives, s.false_positives, s.false_negatives, s.true_negatives);
}

Result<std::vector<embed::LabelledPair>> read_pairs(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error(Errc::unavailable, "cannot read " + file);
  std::stringstream content;
  content << in.rdbuf();
  auto pairs = embed::parse_pairs_jsonl(content.str());
  if (!pairs) return Error(pairs.error().code, file + ": " + pairs.error().detail);
  if (pairs->empty()) return Error(Errc::invalid_argument, file + " has no pairs");
  return pairs;
}

Result<BuiltinSemantic> make_semantic(const EvalSemanticOptions& opts) {
  if (opts.embedder == "lexical" && opts.dimension != 384) {
    auto e = embed::HashedNgramEmbedder::create({.dimension = opts.dimension});
    if (!e) return e.error();
    BuiltinSemantic out{.default_threshold = embed::kHashedNgramDefaultThreshold,
                        .description = "lexical (" + std::string((*e)->model_id()) + ", cosine)"};
    out.embedder = std::move(*e);
    return out;
  }
  return make_builtin_semantic(opts.embedder, opts.neural_model.empty() ? default_neural_model_path("./.ragcache")
                                                                        : opts.neural_model);
}

// Each pair's score as the gateway computes it for a lookup of q2 with q1 cached: the vectors'
// cosine, or the rule's score (-infinity when a guard vetoes). With --scores, each pair's signals.
Result<std::vector<float>> score_pairs(const BuiltinSemantic& semantic, const std::vector<embed::LabelledPair>& pairs,
                                       const std::string& scores_file) {
  std::ofstream dump;
  std::unique_ptr<embed::HashedNgramEmbedder> lexical;
  if (!scores_file.empty()) {
    dump.open(scores_file);
    if (!dump) return Error(Errc::unavailable, "cannot write " + scores_file);
    dump << "label\tvector_cosine\tlexical_cosine\tguard\tlatin\tscore\n";
    lexical = std::move(*embed::HashedNgramEmbedder::create());
  }
  std::vector<float> scores;
  scores.reserve(pairs.size());
  boost::asio::io_context io;
  for (const auto& p : pairs) {
    const std::vector<std::string> texts{p.q1, p.q2};
    std::optional<Result<std::vector<embed::Vector>>> vectors;
    // Built-in embedders compute on the calling thread: the awaitable completes in one step.
    auto task = [&]() -> boost::asio::awaitable<void> { vectors = co_await semantic.embedder->embed(texts); };
    io.restart();
    boost::asio::co_spawn(io, task(), boost::asio::detached);
    io.run();
    if (!vectors || !*vectors) return vectors ? (*vectors).error() : Error(Errc::internal, "embedder did not answer");
    const float similarity = cosine((**vectors)[0], (**vectors)[1]);
    float score = similarity;
    if (semantic.rule) {
      auto s = semantic.rule->score(semantic.rule->prepare(p.q2), p.q1, similarity);
      score = s ? *s : -INFINITY;
    }
    scores.push_back(score);
    if (dump.is_open()) {
      const auto f1 = embed::question_facts(p.q1), f2 = embed::question_facts(p.q2);
      dump << (p.same ? 1 : 0) << '\t' << similarity << '\t' << cosine(lexical->embed_text(p.q1), lexical->embed_text(p.q2))
           << '\t' << embed::guard_name(embed::compare_questions(f1, f2)) << '\t' << (f1.non_latin || f2.non_latin ? 0 : 1)
           << '\t' << score << '\n';
    }
  }
  return scores;
}

void print_errors(const std::vector<embed::LabelledPair>& pairs, const std::vector<float>& scores, std::size_t count) {
  // The most similar wrong matches: what the cache would get wrong first.
  std::vector<std::size_t> order(pairs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
  std::printf("highest-scoring negatives (label 0):\n");
  std::size_t shown = 0;
  for (std::size_t i : order) {
    if (pairs[i].same) continue;
    std::printf("  %.3f  %s  |  %s\n", scores[i], pairs[i].q1.c_str(), pairs[i].q2.c_str());
    if (++shown == count) break;
  }
}

int run(const EvalSemanticOptions& opts) {
  auto pairs = read_pairs(opts.pairs_file);
  if (!pairs) {
    std::cerr << "eval-semantic: " << pairs.error().detail << "\n";
    return 1;
  }
  const auto thresholds = embed::threshold_grid(opts.from, opts.to, opts.step);
  if (thresholds.empty()) {
    std::cerr << "eval-semantic: empty threshold range (need --from <= --to and --step > 0)\n";
    return 1;
  }
  auto semantic = make_semantic(opts);
  if (!semantic) {
    std::cerr << "eval-semantic: --embedder " << opts.embedder << ": " << semantic.error().message() << "\n";
    return 1;
  }
  if (!semantic->fallback.empty()) std::cerr << "eval-semantic: " << semantic->fallback << "\n";
  auto scores = score_pairs(*semantic, *pairs, opts.scores_file);
  if (!scores) {
    std::cerr << "eval-semantic: " << scores.error().message() << "\n";
    return 1;
  }
  const auto positives = static_cast<std::size_t>(std::count_if(pairs->begin(), pairs->end(), [](auto& p) { return p.same; }));
  std::printf("pairs: %zu (%zu positive, %zu negative); embedder %s\n", pairs->size(), positives,
              pairs->size() - positives, semantic->description.c_str());
  std::printf("%9s  %9s  %6s  %7s  %6s  %6s  %6s  %6s  %6s\n", "threshold", "precision", "recall", "fhr", "f1", "tp", "fp",
              "fn", "tn");
  std::vector<embed::ThresholdScore> table;
  for (float t : thresholds) {
    table.push_back(embed::score_threshold(*scores, *pairs, t));
    print_score(table.back());
  }
  std::printf("recall at a fixed false-hit rate (false hits / label-0 pairs):\n");
  for (double rate : {0.01, 0.02, 0.05}) {
    const auto r = embed::recall_at_false_hit_rate(*scores, *pairs, rate);
    std::printf("  fhr %2.0f%%: recall %.3f (threshold %.4f, false-hit rate %.2f%%)\n", 100 * rate, r.recall, r.threshold,
                100 * r.false_hit_rate);
  }
  if (const auto best = embed::best_precision_at_recall(table, opts.min_recall)) {
    std::printf("best precision at recall >= %.2f: threshold %.3f (precision %.3f, recall %.3f, f1 %.3f)\n",
                opts.min_recall, best->threshold, best->precision, best->recall, best->f1);
  } else {
    std::printf("best precision at recall >= %.2f: no threshold in range reaches that recall\n", opts.min_recall);
  }
  const auto def = embed::score_threshold(*scores, *pairs, semantic->default_threshold);
  std::printf("default threshold %.3f: precision %.3f, recall %.3f, false-hit rate %.2f%%, f1 %.3f\n", def.threshold,
              def.precision, def.recall, 100 * def.false_hit_rate, def.f1);
  if (opts.show_errors > 0) print_errors(*pairs, *scores, opts.show_errors);
  return 0;
}

}  // namespace

void add_eval_semantic_command(CLI::App& app) {
  auto opts = std::make_shared<EvalSemanticOptions>();
  auto* cmd = app.add_subcommand(
      "eval-semantic",
      "Score the semantic cache's built-in embedder and rule on labelled pairs: recall at fixed false-hit rates, "
      "precision and recall per threshold");
  cmd->add_option("--pairs", opts->pairs_file, "JSON lines file, one {\"q1\",\"q2\",\"label\"} object a line")
      ->required();
  cmd->add_option("--embedder", opts->embedder,
                  "builtin (what `serve` uses by default: neural + lexical rule, or lexical without the model)|lexical|neural")
      ->capture_default_str()
      ->check(CLI::IsMember({"builtin", "lexical", "neural"}));
  cmd->add_option("--neural-model", opts->neural_model,
                  "Neural model file (default: ./.ragcache/models/use-lite-en-0.2.0.bin, serve's default)");
  cmd->add_option("--dimension", opts->dimension, "Embedding dimension of the lexical embedder (--embedder lexical)")
      ->capture_default_str()
      ->check(CLI::Range(16, 65536));
  cmd->add_option("--from", opts->from, "Lowest threshold")->capture_default_str()->check(CLI::Range(-1.0, 1.0));
  cmd->add_option("--to", opts->to, "Highest threshold")->capture_default_str()->check(CLI::Range(-1.0, 1.0));
  cmd->add_option("--step", opts->step, "Threshold step")->capture_default_str()->check(CLI::Range(0.001, 1.0));
  cmd->add_option("--min-recall", opts->min_recall, "Recall the chosen threshold must reach")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--show-errors", opts->show_errors, "Also list the N most similar negative pairs");
  cmd->add_option("--scores", opts->scores_file,
                  "Write each pair's label, vector cosine, lexical cosine, guard veto, Latin script (1/0) and score (TSV) to this file");
  cmd->callback([opts] {
    const int rc = run(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
