// Tokens per second of ragcache's tokenizer, single thread, on the shared corpus
// (src/tokens/testdata/corpus.h; RAGCACHE_BENCH_CORPUS_LINES lines, default 12000).
// Counters: tokens/s ("items_per_second", over CPU time), corpus bytes/s, and tokens_per_pass, from
// which run.sh also derives tokens per wall-clock second (the JSON's real_time). bench/tokens/run.sh runs
// this and the npm tiktoken package on the same corpus and prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "tokens/registry.h"
#include "tokens/testdata/corpus.h"

namespace {

using ragcache::tokens::Encoding;

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> lines = [] {
    const char* env = std::getenv("RAGCACHE_BENCH_CORPUS_LINES");
    const long n = env ? std::atol(env) : 12000;
    return ragcache::tokens::testdata::make_corpus(n > 0 ? static_cast<std::size_t>(n) : 12000);
  }();
  return lines;
}

std::shared_ptr<const Encoding> load(const std::string& name, benchmark::State& state) {
  auto encoding = ragcache::tokens::get_encoding(name);
  if (!encoding) {
    state.SkipWithError(encoding.error().message().c_str());
    return nullptr;
  }
  return *encoding;
}

void set_counters(benchmark::State& state, std::size_t tokens, std::size_t bytes) {
  state.counters["tokens_per_pass"] = static_cast<double>(tokens);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * tokens));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_Count(benchmark::State& state, const std::string& name) {
  const auto encoding = load(name, state);
  if (!encoding) return;
  std::size_t tokens = 0, bytes = 0;
  for (auto _ : state) {
    tokens = 0;
    bytes = 0;
    for (const auto& text : corpus()) {
      tokens += encoding->count(text);
      bytes += text.size();
    }
    benchmark::DoNotOptimize(tokens);
  }
  set_counters(state, tokens, bytes);
}

void BM_Encode(benchmark::State& state, const std::string& name) {
  const auto encoding = load(name, state);
  if (!encoding) return;
  std::size_t tokens = 0, bytes = 0;
  for (auto _ : state) {
    tokens = 0;
    bytes = 0;
    for (const auto& text : corpus()) {
      auto ids = encoding->encode(text);
      tokens += ids.size();
      bytes += text.size();
      benchmark::DoNotOptimize(ids.data());
    }
  }
  set_counters(state, tokens, bytes);
}

BENCHMARK_CAPTURE(BM_Count, cl100k_base, std::string("cl100k_base"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Count, o200k_base, std::string("o200k_base"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Encode, cl100k_base, std::string("cl100k_base"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Encode, o200k_base, std::string("o200k_base"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
