// Pieces shared by the semantic lookup benchmark's two modes (lookup_bench.cc: index only, one
// process; cache_phases.cc: the whole SemanticCache over Redis, built once and measured later):
// the synthetic question corpus, percentiles, CPU-time clocks, and the index-only measurement.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include <functional>
#include <memory>

#include "embed/hashed_ngram_embedder.h"
#include "embed/hit_rule.h"
#include "embed/neural_embedder.h"
#include "embed/question_terms.h"
#include "index/exact_search.h"
#include "index/vector_index.h"

namespace ragcache::bench {

using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<std::size_t> sizes{10'000, 100'000, 1'000'000};
  std::size_t queries = 2000;         // latency queries per size
  std::size_t recall_queries = 500;   // brute-force checked queries per kind and size
  std::size_t dimension = 384;
  std::vector<std::size_t> ef_search{128};
  std::size_t ef_construction = 100;
  std::size_t m = 16;
  std::size_t term_candidates = index::VectorIndexOptions{}.term_candidates;  // --term-candidates
  bool terms = true;  // --terms off: index and search without the question's terms (graph only)
  std::string build_cache;  // --build-cache DIR: build sizes[0] entries through SemanticCache, save
  std::string from_cache;   // --from-cache DIR: load what --build-cache saved, measure lookups
  std::string embedder = "lexical";  // --embedder lexical|neural (neural: 512 dimensions + the built-in rule)
  std::vector<std::string> words;    // the question generator's vocabulary (neural: real words)
  std::string model;                 // --model FILE: the neural model (default: <repo>/.ragcache/models/...)
};

// What the benchmark embeds with: the built-in lexical embedder (cosine alone), or the neural one
// with the built-in decision rule (embed/hit_rule.h) as `ragcache serve` uses them by default.
struct BenchEmbedder {
  std::unique_ptr<embed::Embedder> owned;
  std::function<embed::Vector(std::string_view)> embed_text;
  std::shared_ptr<const embed::HitRule> rule;  // null: the cosine alone
  float threshold = embed::kHashedNgramDefaultThreshold;
  embed::Embedder& embedder() const { return *owned; }
  // The cosine an index match must reach to be a candidate.
  float candidate_floor() const { return rule ? rule->candidate_floor(threshold) : threshold; }
};

inline double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_rss = 0;
  statm >> pages_total >> pages_rss;
  return static_cast<double>(pages_rss) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

class QuestionGenerator {
 public:
  // The vocabulary is the same for every generator; `seed` picks the questions. `words`: real
  // words, most frequent first (the neural embedder's own word pieces, so a word is one token as
  // in real questions); empty: 20k made-up words (what the lexical results were measured on).
  explicit QuestionGenerator(unsigned seed, const std::vector<std::string>& words = {}) : rng_(12345) {
    static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "ri",
                                       "zo", "fa", "ben", "tor", "mas", "lin", "qu", "sel", "dro", "pha", "wen", "cy"};
    std::uniform_int_distribution<int> syl(0, 23), len(2, 4);
    for (int i = 0; words.empty() && i < 20000; ++i) {
      std::string w;
      for (int n = len(rng_); n > 0; --n) w += kSyllables[syl(rng_)];
      vocab_.push_back(std::move(w));
    }
    if (!words.empty()) vocab_ = words;
    rng_.seed(seed);
  }

  std::string question() {
    static const char* kStart[] = {"how do i", "what is the", "can i", "why does my", "where can i find the",
                                   "is it possible to", "when does the", "which"};
    static const char* kStop[] = {"the", "of", "my", "a", "to", "in", "for", "with", "on", "and"};
    std::uniform_int_distribution<int> start(0, 7), stop(0, 9), words(4, 12), coin(0, 3);
    std::string q = kStart[start(rng_)];
    for (int n = words(rng_); n > 0; --n) {
      q += ' ';
      q += coin(rng_) == 0 ? kStop[stop(rng_)] : vocab_[zipf()];
    }
    return q + "?";
  }

  // A near-duplicate: changed case, a dropped or added filler word, or two words swapped.
  std::string perturb(std::string q) {
    std::uniform_int_distribution<int> kind(0, 2);
    switch (kind(rng_)) {
      case 0:
        for (char& c : q) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        break;
      case 1:
        q = "please " + q.substr(0, q.size() - 1);
        break;
      default: {
        auto a = q.find(' '), b = q.find(' ', a + 1);
        if (a != std::string::npos && b != std::string::npos) {
          q = q.substr(b + 1, q.size() - b - 2) + " " + q.substr(0, b);
        }
      }
    }
    return q;
  }

 private:
  std::size_t zipf() {
    // Inverse-CDF of a continuous power law: a few words are common, most are rare.
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double x = std::pow(static_cast<double>(vocab_.size()), u(rng_));
    return std::min(vocab_.size() - 1, static_cast<std::size_t>(x) - 1);
  }
  std::mt19937_64 rng_;
  std::vector<std::string> vocab_;
};

struct Percentiles {
  double p50, p99, mean;
};

inline Percentiles percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double x : us) sum += x;
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(us.size())))]; };
  return {at(0.50), at(0.99), sum / static_cast<double>(us.size())};
}

// CPU time of this thread: on a shared machine, wall-clock percentiles include time spent
// waiting for a core; CPU time is what the lookup itself costs.
inline double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

inline double micros_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// Returns false (after saying why on stderr) when a search failed: its numbers would be wrong.
inline bool measure_lookups(const Args& args, std::size_t ef, const std::vector<std::string>& texts,
                     const std::vector<float>& rows, const std::vector<index::EntryId>& ids,
                     const BenchEmbedder& embedder, const index::VectorIndex& index) {
  const auto* idx = &index;
  QuestionGenerator gen(1000, args.words);  // the same queries for every ef
  // Lookup latency: embed + top-1 search above the default threshold; half near, half fresh.
  std::vector<double> lookup_us, search_us, lookup_cpu_us;
  std::size_t hits = 0, search_errors = 0;
  for (std::size_t q = 0; q < args.queries; ++q) {
    const std::string text = (q % 2 == 0) ? gen.perturb(texts[q % texts.size()]) : gen.question();
    const double cpu0 = thread_cpu_us();
    const auto t0 = Clock::now();
    const auto v = embedder.embed_text(text);
    const auto terms = args.terms ? embed::question_terms(text) : std::vector<std::uint32_t>{};
    const auto t1 = Clock::now();
    auto m = idx->search(v, index::SearchRequest{.k = 1, .min_similarity = embedder.candidate_floor(), .terms = terms});
    const double search = micros_since(t1);
    lookup_us.push_back(micros_since(t0));
    lookup_cpu_us.push_back(thread_cpu_us() - cpu0);
    search_us.push_back(search);
    if (!m) {
      if (search_errors++ == 0) std::fprintf(stderr, "search failed: %s\n", m.error().message().c_str());
    } else if (!m->empty()) {
      ++hits;
    }
  }

  // Recall@1 against brute force, for near-duplicate and for fresh queries.
  // Recall@1, and the same over the queries whose true best match clears the default threshold
  // (the ones where a miss of the index turns a cache hit into a miss).
  std::size_t eligible = 0, eligible_found = 0;
  auto recall = [&](bool near) {
    std::size_t agree = 0;
    for (std::size_t q = 0; q < args.recall_queries; ++q) {
      const std::string text = near ? gen.perturb(texts[(q * 7919) % texts.size()]) : gen.question();
      const auto v = embedder.embed_text(text);
      const auto exact = index::exact_search(rows, ids, args.dimension, v, 1);
      const auto terms = args.terms ? embed::question_terms(text) : std::vector<std::uint32_t>{};
      const auto approx = idx->search(v, index::SearchRequest{.k = 1, .terms = terms}).value();
      // Ties (equal similarity) count as agreement: either id is a correct answer.
      const bool found =
          !approx.empty() && (approx[0].id == exact[0].id || approx[0].similarity >= exact[0].similarity - 1e-6f);
      const bool clears = exact[0].similarity >= embedder.candidate_floor();
      eligible += clears ? 1 : 0;
      eligible_found += clears && found ? 1 : 0;
      if (found) {
        ++agree;
      } else if (std::getenv("RAGCACHE_RECALL_DIAG")) {
        std::printf("    miss(%s): exact id %llu sim %.4f, index %.4f\n", near ? "near" : "fresh",
                    static_cast<unsigned long long>(exact[0].id), exact[0].similarity,
                    approx.empty() ? -1.0f : approx[0].similarity);
      }
    }
    return static_cast<double>(agree) / static_cast<double>(args.recall_queries);
  };
  const double recall_near = recall(true);
  const double recall_fresh = recall(false);

  const auto lookup = percentiles(lookup_us);
  const auto lookup_cpu = percentiles(lookup_cpu_us);
  const auto search = percentiles(search_us);
  std::printf(
      "  ef_search=%zu%s\n"
      "    lookup (embed+search, %zu queries): p50 %.1f us, p99 %.1f us, mean %.1f us; hits %zu\n"
      "    lookup CPU time:   p50 %.1f us, p99 %.1f us, mean %.1f us\n"
      "    search only:       p50 %.1f us, p99 %.1f us, mean %.1f us\n"
      "    recall@1 vs brute force: near-duplicate queries %.4f, fresh queries %.4f (%zu each)\n"
      "    recall@1 where the best match clears the default threshold: %.4f (%zu of %zu such queries)\n",
      ef, args.terms ? " (with question terms)" : " (graph only, --terms off)", args.queries, lookup.p50, lookup.p99,
      lookup.mean, hits, lookup_cpu.p50, lookup_cpu.p99, lookup_cpu.mean, search.p50, search.p99, search.mean, recall_near, recall_fresh, args.recall_queries,
      eligible ? static_cast<double>(eligible_found) / static_cast<double>(eligible) : 1.0, eligible_found, eligible);
  if (search_errors > 0) {
    std::fprintf(stderr, "FAILED: %zu of %zu searches failed\n", search_errors, args.queries);
    return false;
  }
  return true;
}

}  // namespace ragcache::bench
