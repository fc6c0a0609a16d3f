// semantic_lookup_bench: the semantic cache's lookup path (built-in embedder + HNSW index) at
// growing index sizes. Per size it reports insert throughput, memory per entry, lookup latency
// (embed + top-1 search, and search alone) p50/p99, and recall@1 of the index against exact
// brute-force search on the same vectors. See README.md for how to run it and recorded results.
//
// The corpus is synthetic: questions of 5-14 words drawn from a Zipf-distributed vocabulary of
// made-up words plus real stop words, embedded with the built-in embedder (so vectors have the
// sparsity and clustering the real embedder produces). "near" queries are perturbed copies of
// stored questions (the cache-hit case); "fresh" queries are new questions (the miss case).
//
// --build-cache DIR / --from-cache DIR (cache_phases.h): the same corpus through the whole
// SemanticCache over a real redis-server, in two runs so the expensive graph build is done once.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "embed/hashed_ngram_embedder.h"
#include "embed/lower_case.h"
#include "index/exact_search.h"
#include "index/vector_index.h"
#include "cache_phases.h"
#include "lookup_bench_common.h"

namespace {

using namespace ragcache;
using namespace ragcache::bench;

// False when an insert or a search failed (the reason is on stderr).
bool run_size(const Args& args, std::size_t n, const BenchEmbedder& embedder) {
  QuestionGenerator gen(42, args.words);
  // Corpus vectors first (kept for brute force), so the RSS growth measured below is the index.
  std::vector<std::string> texts;
  texts.reserve(std::min<std::size_t>(n, 50'000));
  std::vector<float> rows(n * args.dimension);
  std::vector<index::EntryId> ids(n);
  std::vector<std::vector<std::uint32_t>> terms(n);
  const auto embed_t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::string q = gen.question();
    const auto v = embedder.embed_text(q);
    if (args.terms) terms[i] = embed::question_terms(q);
    std::copy(v.begin(), v.end(), rows.begin() + static_cast<std::ptrdiff_t>(i * args.dimension));
    ids[i] = i;
    if (texts.size() < 50'000) texts.push_back(std::move(q));
  }
  const double embed_us = micros_since(embed_t0) / static_cast<double>(n);

  index::VectorIndexOptions opts;
  opts.dimension = args.dimension;
  opts.capacity = n;
  opts.m = args.m;
  opts.ef_construction = args.ef_construction;
  opts.ef_search = args.ef_search.front();
  opts.term_candidates = args.term_candidates;
  auto idx = index::VectorIndex::create(opts).value();
  const double rss0 = rss_mb();
  const double build_cpu0 = thread_cpu_us();
  const auto build_t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    auto r = idx->upsert(ids[i], std::span<const float>(rows.data() + i * args.dimension, args.dimension),
                         std::nullopt, terms[i]);
    if (!r) {
      std::fprintf(stderr, "FAILED: insert failed: %s\n", r.error().message().c_str());
      return false;
    }
  }
  const double build_s = micros_since(build_t0) / 1e6;
  const double build_cpu_s = (thread_cpu_us() - build_cpu0) / 1e6;
  const double rss1 = rss_mb();

  std::printf("entries=%zu dim=%zu M=%zu ef_construction=%zu\n"
              "  embed (%s):  %.1f us/text\n"
              "  insert:            %.0f inserts/s wall (%.1f s), %.0f inserts per CPU-second\n"
              "  memory:            %.0f bytes/entry measured (RSS), %.0f bytes/entry estimated\n",
              n, args.dimension, args.m, args.ef_construction, args.embedder.c_str(), embed_us, static_cast<double>(n) / build_s, build_s,
              static_cast<double>(n) / build_cpu_s, (rss1 - rss0) * 1024 * 1024 / static_cast<double>(n),
              static_cast<double>(idx->memory_bytes()) / static_cast<double>(n));
  for (std::size_t ef : args.ef_search) {
    idx->set_ef_search(ef);
    if (!measure_lookups(args, ef, texts, rows, ids, embedder, *idx)) return false;
  }
  std::fflush(stdout);
  return true;
}

// The neural model's whole-word pieces ("▁" + lower-case letters, 3 or more), most probable first.
std::vector<std::string> model_words(const std::string& model) {
  std::vector<std::string> out;
  auto file = embed::read_use_lite_model_file(model);
  if (!file) return out;
  for (const auto& p : file->vocab) {
    const std::string_view boundary = "\xE2\x96\x81";
    if (!p.piece.starts_with(boundary) || p.piece.size() < boundary.size() + 3) continue;
    const std::string word = p.piece.substr(boundary.size());
    if (std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; })) out.push_back(word);
  }
  return out;
}

std::vector<std::size_t> parse_sizes(const char* s) {
  std::vector<std::size_t> out;
  std::string str(s);
  std::size_t pos = 0;
  while (pos < str.size()) {
    const auto comma = str.find(',', pos);
    out.push_back(std::stoul(str.substr(pos, comma - pos)));
    pos = comma == std::string::npos ? str.size() : comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--sizes") args.sizes = parse_sizes(argv[i + 1]);
    else if (flag == "--queries") args.queries = std::stoul(argv[i + 1]);
    else if (flag == "--recall-queries") args.recall_queries = std::stoul(argv[i + 1]);
    else if (flag == "--dim") args.dimension = std::stoul(argv[i + 1]);
    else if (flag == "--ef") args.ef_search = parse_sizes(argv[i + 1]);
    else if (flag == "--ef-construction") args.ef_construction = std::stoul(argv[i + 1]);
    else if (flag == "--m") args.m = std::stoul(argv[i + 1]);
    else if (flag == "--term-candidates") args.term_candidates = std::stoul(argv[i + 1]);
    else if (flag == "--terms") args.terms = std::string(argv[i + 1]) != "off";
    else if (flag == "--build-cache") args.build_cache = argv[i + 1];
    else if (flag == "--from-cache") args.from_cache = argv[i + 1];
    else if (flag == "--embedder") args.embedder = argv[i + 1];
    else if (flag == "--model") args.model = argv[i + 1];
    else {
      std::fprintf(stderr,
                   "usage: semantic_lookup_bench [--sizes 10000,100000,1000000] [--queries N] "
                   "[--recall-queries N] [--dim D] [--ef N[,N...]] [--ef-construction N] [--m N]\n"
                   "       [--terms on|off (question terms beside the graph; default on)] [--term-candidates N]\n"
                   "       [--build-cache DIR (first of --sizes) | --from-cache DIR]\n"
                   "       [--embedder lexical|neural (neural: 512 dimensions and the built-in rule)] [--model FILE]\n");
      return 2;
    }
  }
  BenchEmbedder embedder;
  if (args.embedder == "neural") {
    const std::string model = args.model.empty() ? std::string(RAGCACHE_SOURCE_DIR) + "/.ragcache/models/" +
                                                       std::string(embed::kUseLiteModelFileName)
                                                 : args.model;
    auto neural = embed::NeuralEmbedder::load(model);
    if (!neural) {
      std::fprintf(stderr, "%s (run scripts/fetch_model.sh)\n", neural.error().message().c_str());
      return 2;
    }
    args.dimension = (*neural)->dimension();
    args.words = model_words(model);
    const auto* raw = neural->get();
    // Lower-cased first, as the gateway does (embed/lower_casing_embedder.h).
    embedder.embed_text = [raw](std::string_view t) { return raw->embed_text(embed::lower_case_utf8(t)); };
    embedder.owned = std::move(*neural);
    embedder.rule = embed::HitRule::create().value();
    embedder.threshold = embed::kBuiltinRuleDefaultThreshold;
  } else {
    embed::HashedNgramOptions eopts;
    eopts.dimension = args.dimension;
    auto lexical = embed::HashedNgramEmbedder::create(eopts);
    if (!lexical) {
      std::fprintf(stderr, "%s\n", lexical.error().message().c_str());
      return 2;
    }
    const auto* raw = lexical->get();
    embedder.embed_text = [raw](std::string_view t) { return raw->embed_text(t); };
    embedder.owned = std::move(*lexical);
  }
  if (!args.build_cache.empty()) return build_cache(args, args.sizes.front(), embedder);
  if (!args.from_cache.empty()) return measure_from_cache(args, embedder);
  for (std::size_t n : args.sizes) {
    if (!run_size(args, n, embedder)) return 1;
  }
  return 0;
}
