// The semantic lookup benchmark through the whole SemanticCache (built-in embedder + HNSW index
// + verify in Redis), in two runs, because building a 1M-entry graph costs ~15 CPU-minutes:
//
//   --build-cache DIR  starts a redis-server with its data in DIR, inserts N synthetic questions
//                      through SemanticCache::insert (one partition), reports insert throughput
//                      and memory per entry (index and Redis), then saves the index
//                      (DIR/index.hnsw + DIR/index.slots), the entry ids in insertion order
//                      (DIR/ids.bin), the parameters (DIR/meta.txt) and Redis's data (BGSAVE
//                      -> DIR/dump.rdb).
//   --from-cache DIR   starts a redis-server on DIR/dump.rdb, loads the index snapshot
//                      (SemanticCache::load_index: no rebuild) and measures lookups: p50/p99 of
//                      embed + search + verify, half near-duplicates (hits), half fresh
//                      questions (misses); with --recall-queries > 0 also the index-only
//                      latency and recall@1 against brute force (re-embeds the corpus).
#pragma once

#include <cstddef>

#include "embed/hashed_ngram_embedder.h"
#include "lookup_bench_common.h"

namespace ragcache::bench {

int build_cache(const Args& args, std::size_t n, BenchEmbedder& embedder);
int measure_from_cache(const Args& args, BenchEmbedder& embedder);

}  // namespace ragcache::bench
