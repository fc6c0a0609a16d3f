#include "cache_phases.h"

#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <thread>
#include <unordered_map>

#include "domain/semantic/semantic_cache.h"
#include "redis/client.h"
#include "support/process.h"

namespace ragcache::bench {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const index::PartitionKey kPartition{"bench-tenant", "bench-model", "bench-fingerprint", ""};
constexpr std::size_t kTextsKept = 50'000;  // stored questions that near-duplicate queries perturb

double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A redis-server whose data lives in `dir` (dump.rdb is loaded at start when present). Waits
// until it answers PING (loading a multi-GB RDB takes a while: up to 30 minutes).
testing::Process start_redis(const std::string& dir) {
  testing::Process redis({"redis-server", "--port", "0", "--unixsocket", dir + "/redis.sock", "--unixsocketperm", "700",
                          "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
                          "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning", "--logfile",
                          dir + "/redis.log"});
  const auto deadline = std::chrono::steady_clock::now() + 30min;
  while (std::chrono::steady_clock::now() < deadline) {
    if (redisContext* c = redisConnectUnix((dir + "/redis.sock").c_str()); c && !c->err) {
      auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
      const bool ready = reply && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
      if (reply) freeReplyObject(reply);
      redisFree(c);
      if (ready) return redis;
    } else if (c) {
      redisFree(c);
    }
    if (redis.wait_exit(0)) break;
    std::this_thread::sleep_for(200ms);
  }
  throw std::runtime_error("redis-server did not start; see " + dir + "/redis.log");
}

semantic::SemanticCacheOptions cache_options(const Args& args, std::size_t n, const BenchEmbedder& embedder) {
  semantic::SemanticCacheOptions o;
  o.threshold = embedder.threshold;
  o.rule = embedder.rule;
  o.ttl_base = std::chrono::hours(24 * 365);  // nothing may expire between the two runs
  o.ttl_jitter = 0ms;
  o.index.partition.dimension = args.dimension;
  o.index.partition.capacity = std::max<std::size_t>(n, 1);
  o.index.partition.initial_slots = std::max<std::size_t>(n, 1);
  o.index.partition.m = args.m;
  o.index.partition.ef_construction = args.ef_construction;
  o.index.partition.ef_search = args.ef_search.front();
  o.index.partition.term_candidates = args.terms ? args.term_candidates : 0;
  return o;
}

std::unique_ptr<redis::Client> make_client(asio::io_context& io, const std::string& dir) {
  redis::ClientOptions options;
  options.url = "unix://" + dir + "/redis.sock";
  options.connection.command_timeout = 60s;
  return std::move(redis::Client::create(io.get_executor(), options).value());
}

// A redis-server on `dir`, a client and a SemanticCache over it (destroyed in reverse order).
struct CacheStack {
  testing::Process redis;
  asio::io_context io;
  std::unique_ptr<redis::Client> client;
  std::unique_ptr<semantic::SemanticCache> cache;
};

std::unique_ptr<CacheStack> open_stack(const std::string& dir, embed::Embedder& embedder,
                                       semantic::SemanticCacheOptions options) {
  auto stack = std::make_unique<CacheStack>();
  const auto t0 = Clock::now();
  stack->redis = start_redis(dir);
  std::printf("  redis-server ready in %.1f s\n", micros_since(t0) / 1e6);
  stack->client = make_client(stack->io, dir);
  auto cache = semantic::SemanticCache::create(*stack->client, embedder, std::move(options));
  if (!cache) {
    std::fprintf(stderr, "%s\n", cache.error().message().c_str());
    return nullptr;
  }
  stack->cache = std::move(*cache);
  return stack;
}

asio::awaitable<std::string> info_field(redis::Client& client, std::string section, std::string field) {
  redis::Command info("INFO", section);
  auto reply = co_await client.exec(std::move(info));
  if (!reply || !reply->is_string()) co_return std::string();
  const std::string head = field + ":";
  auto at = reply->str.find(head);
  if (at == std::string::npos) co_return std::string();
  auto end = reply->str.find_first_of("\r\n", at);
  co_return reply->str.substr(at + head.size(), end - at - head.size());
}

struct BuildRun {
  const Args* args;
  std::size_t n;
  std::string dir;
  redis::Client* client;
  semantic::SemanticCache* cache;
  int rc = 1;
  bool done = false;
};

// Sets `flag` when the coroutine that owns it ends, however it ends.
struct SetOnExit {
  bool& flag;
  ~SetOnExit() { flag = true; }
};

// Runs `io` until `done` (the feed tails keep it busy forever, so run() would not return).
void run_until(asio::io_context& io, const bool& done) {
  while (!done) {
    if (io.stopped()) io.restart();
    io.run_for(100ms);
  }
}

// One of kInserters concurrent inserters: each takes the next question (in corpus order, so
// ids[i] is question i's id) and inserts it; Redis round trips of one overlap the others' work.
asio::awaitable<void> insert_some(BuildRun& run, QuestionGenerator& gen, std::size_t& next,
                                  std::vector<index::EntryId>& ids, bool& failed, Clock::time_point t0, double cpu0) {
  const std::string answer(256, 'a');  // a short answer: the vector dominates an entry's size
  while (!failed && next < run.n) {
    const std::size_t i = next++;
    std::string question = gen.question();
    auto id = co_await run.cache->insert(kPartition, std::move(question), answer);
    if (!id) {
      std::fprintf(stderr, "insert %zu failed: %s\n", i, id.error().message().c_str());
      failed = true;
      co_return;
    }
    ids[i] = *id;
    if ((i + 1) % 10'000 == 0) {
      const double s = micros_since(t0) / 1e6;
      std::printf("  inserted %zu: %.0f inserts/s wall over %.0f s, %.0f per process-CPU-second, RSS %.0f MB\n", i + 1,
                  static_cast<double>(i + 1) / s, s, static_cast<double>(i + 1) / (process_cpu_s() - cpu0), rss_mb());
      std::fflush(stdout);
    }
  }
}

asio::awaitable<void> build(BuildRun& run) {
  SetOnExit done{run.done};
  const auto& args = *run.args;
  QuestionGenerator gen(42, args.words);
  std::vector<index::EntryId> ids(run.n);
  const double rss0 = rss_mb();
  const double redis0 = std::stod("0" + co_await info_field(*run.client, "memory", "used_memory"));
  const double cpu0 = process_cpu_s();
  const auto t0 = Clock::now();
  constexpr int kInserters = 16;
  std::size_t next = 0;
  bool failed = false;
  int running = kInserters;
  auto ex = co_await asio::this_coro::executor;
  for (int w = 0; w < kInserters; ++w) {
    asio::co_spawn(ex, insert_some(run, gen, next, ids, failed, t0, cpu0), [&running](std::exception_ptr) { --running; });
  }
  while (running > 0) {
    asio::steady_timer pause(ex, 50ms);
    co_await pause.async_wait(asio::use_awaitable);
  }
  if (failed) co_return;
  const double wall_s = micros_since(t0) / 1e6;
  const double cpu_s = process_cpu_s() - cpu0;
  const double redis1 = std::stod("0" + co_await info_field(*run.client, "memory", "used_memory"));
  const double n = static_cast<double>(run.n);
  std::printf("entries=%zu dim=%zu M=%zu ef_construction=%zu (through SemanticCache::insert, Redis on a unix socket)\n"
              "  insert: %.0f inserts/s wall (%.1f s), %.0f per CPU-second of this process (embed + index + Redis client)\n"
              "  memory: index process RSS %.0f bytes/entry; Redis used_memory %.0f bytes/entry (256-byte answers)\n",
              run.n, args.dimension, args.m, args.ef_construction, n / wall_s, wall_s, n / cpu_s,
              (rss_mb() - rss0) * 1024 * 1024 / n, (redis1 - redis0) / n);
  std::fflush(stdout);

  if (auto saved = run.cache->save_index(kPartition, run.dir + "/index"); !saved) {
    std::fprintf(stderr, "saving the index failed: %s\n", saved.error().message().c_str());
    co_return;
  }
  std::ofstream(run.dir + "/ids.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(ids.data()), static_cast<std::streamsize>(ids.size() * sizeof(index::EntryId)));
  std::ofstream(run.dir + "/meta.txt") << run.n << ' ' << args.dimension << ' ' << args.m << ' ' << args.ef_construction << '\n';
  redis::Command bgsave("BGSAVE");
  auto started = co_await run.client->exec(std::move(bgsave));
  if (!started || started->is_error()) {
    std::fprintf(stderr, "BGSAVE failed\n");
    co_return;
  }
  for (;;) {
    asio::steady_timer pause(co_await asio::this_coro::executor, 500ms);
    co_await pause.async_wait(asio::use_awaitable);
    if (co_await info_field(*run.client, "persistence", "rdb_bgsave_in_progress") == "0") break;
  }
  const auto status = co_await info_field(*run.client, "persistence", "rdb_last_bgsave_status");
  std::printf("  saved: index snapshot, ids, meta, dump.rdb (BGSAVE %s) in %s\n", status.c_str(), run.dir.c_str());
  run.rc = status == "ok" ? 0 : 1;
}

// Answers from vectors computed beforehand, so the lookup is timed apart from the embedding;
// asks the real embedder for anything else.
class PrecomputedEmbedder final : public embed::Embedder {
 public:
  explicit PrecomputedEmbedder(BenchEmbedder& real) : real_(real) {}
  void add(const std::string& text, embed::Vector v) { vectors_[text] = std::move(v); }
  asio::awaitable<Result<std::vector<embed::Vector>>> embed(std::span<const std::string> texts) override {
    std::vector<embed::Vector> out;
    for (const auto& t : texts) {
      auto it = vectors_.find(t);
      out.push_back(it != vectors_.end() ? it->second : real_.embed_text(t));
    }
    co_return out;
  }
  std::size_t dimension() const override { return real_.embedder().dimension(); }
  std::string_view model_id() const override { return real_.embedder().model_id(); }

 private:
  BenchEmbedder& real_;
  std::unordered_map<std::string, embed::Vector> vectors_;
};

struct MeasureRun {
  const Args* args;
  std::string dir;
  semantic::SemanticCache* cache;
  std::vector<std::string> queries = {};   // warm-up first, then the measured ones
  std::vector<double> embed_wall_us = {};  // per measured query, taken while precomputing
  std::size_t warm_up = 0;
  int rc = 1;
  bool done = false;
};

asio::awaitable<void> measure(MeasureRun& run) {
  SetOnExit done{run.done};
  const auto& args = *run.args;
  const auto load_t0 = Clock::now();
  auto loaded = co_await run.cache->load_index(kPartition, run.dir + "/index");
  if (!loaded) {
    std::fprintf(stderr, "loading the index failed: %s\n", loaded.error().message().c_str());
    co_return;
  }
  std::printf("  index snapshot loaded: %zu entries in %.1f s\n", *loaded, micros_since(load_t0) / 1e6);
  std::vector<double> wall_us, cpu_us, total_us;
  std::size_t hits = 0;
  for (std::size_t q = 0; q < run.queries.size(); ++q) {
    const double cpu0 = thread_cpu_us();
    const auto t0 = Clock::now();
    auto hit = co_await run.cache->lookup(kPartition, run.queries[q]);
    const double wall = micros_since(t0);
    if (!hit) {
      std::fprintf(stderr, "lookup failed: %s\n", hit.error().message().c_str());
      co_return;
    }
    if (q < run.warm_up) continue;
    wall_us.push_back(wall);
    cpu_us.push_back(thread_cpu_us() - cpu0);
    total_us.push_back(wall + run.embed_wall_us[q - run.warm_up]);
    if (*hit) ++hits;
  }
  const auto wall = percentiles(wall_us);
  const auto cpu = percentiles(cpu_us);
  const auto embed = percentiles(run.embed_wall_us);
  const auto total = percentiles(total_us);
  std::printf("  %zu queries, half near-duplicates, ef_search %zu; hits %zu\n"
              "    lookup = search + verify in Redis%s (vector given): wall p50 %.1f us, p99 %.1f us, mean %.1f us;"
              " CPU p50 %.1f us, p99 %.1f us\n"
              "    embedding the question (%s):  wall p50 %.1f us, p99 %.1f us\n"
              "    both, per query:               wall p50 %.1f us, p99 %.1f us\n",
              args.queries, args.ef_search.front(), hits, args.embedder == "neural" ? " + rule" : "", wall.p50, wall.p99,
              wall.mean, cpu.p50, cpu.p99, args.embedder.c_str(), embed.p50, embed.p99, total.p50, total.p99);
  std::fflush(stdout);
  run.rc = 0;
}

}  // namespace

int build_cache(const Args& args, std::size_t n, BenchEmbedder& embedder) {
  const std::string dir = std::filesystem::absolute(args.build_cache).string();
  std::filesystem::create_directories(dir);
  for (const char* f : {"dump.rdb", "index.hnsw", "index.slots", "ids.bin", "meta.txt"}) {
    std::filesystem::remove(dir + "/" + f);
  }
  auto stack = open_stack(dir, embedder.embedder(), cache_options(args, n, embedder));
  if (!stack) return 2;
  BuildRun run{&args, n, dir, stack->client.get(), stack->cache.get()};
  asio::co_spawn(stack->io, build(run), asio::detached);
  run_until(stack->io, run.done);
  return run.rc;
}

int measure_from_cache(const Args& args, BenchEmbedder& embedder) {
  const std::string dir = std::filesystem::absolute(args.from_cache).string();
  std::size_t n = 0, dimension = 0, m = 0, ef_construction = 0;
  std::ifstream(dir + "/meta.txt") >> n >> dimension >> m >> ef_construction;
  if (n == 0 || dimension != args.dimension) {
    std::fprintf(stderr, "%s/meta.txt missing, or built with another --dim\n", dir.c_str());
    return 2;
  }
  Args built = args;
  built.m = m;
  built.ef_construction = ef_construction;
  std::printf("entries=%zu dim=%zu M=%zu ef_construction=%zu (from %s)\n", n, dimension, m, ef_construction, dir.c_str());
  // The stored questions, regenerated: the generator's sequence depends only on its seed.
  QuestionGenerator gen(42, args.words);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < std::min(n, kTextsKept); ++i) texts.push_back(gen.question());

  // The queries (half perturbed stored questions, half new ones) and their vectors, embedded now.
  PrecomputedEmbedder precomputed(embedder);
  MeasureRun run{&built, dir, nullptr};
  run.warm_up = std::min<std::size_t>(200, args.queries);
  QuestionGenerator queries(1000, args.words);  // the same queries as the index-only mode
  for (std::size_t q = 0; q < args.queries + run.warm_up; ++q) {
    run.queries.push_back((q % 2 == 0) ? queries.perturb(texts[q % texts.size()]) : queries.question());
    const auto t0 = Clock::now();
    auto v = embedder.embed_text(run.queries.back());
    if (q >= run.warm_up) run.embed_wall_us.push_back(micros_since(t0));
    precomputed.add(run.queries.back(), std::move(v));
  }
  auto stack = open_stack(dir, precomputed, cache_options(built, n, embedder));  // loads dump.rdb
  if (!stack) return 2;
  run.cache = stack->cache.get();
  asio::co_spawn(stack->io, measure(run), asio::detached);
  run_until(stack->io, run.done);
  if (run.rc != 0 || args.recall_queries == 0) return run.rc;

  // Index only (no Redis): search latency and recall@1 against brute force over all vectors.
  std::vector<index::EntryId> ids(n);
  std::ifstream(dir + "/ids.bin", std::ios::binary)
      .read(reinterpret_cast<char*>(ids.data()), static_cast<std::streamsize>(n * sizeof(index::EntryId)));
  std::vector<float> rows(n * dimension);
  QuestionGenerator again(42, args.words);
  std::vector<std::vector<std::uint32_t>> terms(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string q = again.question();
    const auto v = embedder.embed_text(q);
    std::copy(v.begin(), v.end(), rows.begin() + static_cast<std::ptrdiff_t>(i * dimension));
    if (args.terms) terms[i] = embed::question_terms(q);
  }
  auto idx = index::VectorIndex::load(cache_options(built, n, embedder).index.partition, dir + "/index");
  if (!idx) {
    std::fprintf(stderr, "%s\n", idx.error().message().c_str());
    return 2;
  }
  // A snapshot written before terms existed has none: give each entry its question's terms
  // (what the cache itself would have indexed), or take them all away for --terms off.
  for (std::size_t i = 0; i < n; ++i) (*idx)->set_terms(ids[i], terms[i]);
  for (std::size_t ef : args.ef_search) {
    (*idx)->set_ef_search(ef);
    if (!measure_lookups(built, ef, texts, rows, ids, embedder, **idx)) return 1;
  }
  return 0;
}

}  // namespace ragcache::bench
