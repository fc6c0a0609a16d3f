#include "index/vector_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <thread>

#include "index/exact_search.h"
#include "index/index_test_support.h"

namespace ragcache::index {
namespace {

using namespace std::chrono_literals;

Vector random_unit(std::mt19937& rng, std::size_t dim) {
  std::normal_distribution<float> normal;
  Vector v(dim);
  for (float& x : v) x = normal(rng);
  return normalised_copy(v, dim).value();
}

std::unique_ptr<VectorIndex> make_index(std::size_t dim, std::size_t capacity, std::size_t initial = 16) {
  VectorIndexOptions opts;
  opts.dimension = dim;
  opts.capacity = capacity;
  opts.initial_slots = initial;
  return VectorIndex::create(opts).value();
}

std::vector<Match> top(const VectorIndex& index, const Vector& q, std::size_t k = 1,
                       Clock::time_point now = Clock::now()) {
  SearchRequest req;
  req.k = k;
  req.now = now;
  return index.search(q, req).value();
}

TEST(VectorIndex, RejectsBadOptions) {
  VectorIndexOptions opts;
  opts.dimension = 0;
  EXPECT_FALSE(VectorIndex::create(opts));
  opts.dimension = 8;
  opts.capacity = 0;
  EXPECT_FALSE(VectorIndex::create(opts));
  opts.capacity = 10;
  opts.m = 1;
  EXPECT_FALSE(VectorIndex::create(opts));
}

TEST(VectorIndex, FindsInsertedVectorWithCosineOne) {
  std::mt19937 rng(1);
  auto index = make_index(16, 100);
  std::vector<Vector> vs;
  for (EntryId id = 0; id < 50; ++id) {
    vs.push_back(random_unit(rng, 16));
    ASSERT_TRUE(index->upsert(id, vs.back()));
  }
  EXPECT_EQ(index->size(), 50u);
  for (EntryId id = 0; id < 50; ++id) {
    auto m = top(*index, vs[id]);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].id, id);
    EXPECT_NEAR(m[0].similarity, 1.0f, 1e-4);
  }
}

TEST(VectorIndex, NormalisesInputSoScaleDoesNotMatter) {
  auto index = make_index(3, 10);
  ASSERT_TRUE(index->upsert(7, Vector{10.0f, 0.0f, 0.0f}));
  ASSERT_TRUE(index->upsert(8, Vector{0.0f, 3.0f, 0.0f}));
  auto m = top(*index, Vector{0.5f, 0.5f, 0.0f}, 2);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_NEAR(m[0].similarity, std::sqrt(0.5f), 1e-4);
  EXPECT_NEAR(m[1].similarity, std::sqrt(0.5f), 1e-4);
}

TEST(VectorIndex, RejectsBadVectorsWithClearErrors) {
  auto index = make_index(4, 10);
  auto wrong_dim = index->upsert(1, Vector{1.0f, 2.0f});
  ASSERT_FALSE(wrong_dim);
  EXPECT_EQ(wrong_dim.error().code, make_error_code(Errc::invalid_argument));
  EXPECT_NE(wrong_dim.error().detail.find("dimensions"), std::string::npos);
  EXPECT_FALSE(index->upsert(1, Vector{0, 0, 0, 0}));
  EXPECT_FALSE(index->upsert(1, Vector{1, std::numeric_limits<float>::quiet_NaN(), 0, 0}));
  EXPECT_FALSE(index->upsert(1, Vector{1, std::numeric_limits<float>::infinity(), 0, 0}));
  EXPECT_FALSE(index->search(Vector{1.0f}, SearchRequest{}));
  EXPECT_EQ(index->size(), 0u);
}

TEST(VectorIndex, EmptyIndexSearchIsAMiss) {
  auto index = make_index(4, 10);
  EXPECT_TRUE(top(*index, Vector{1, 0, 0, 0}).empty());
}

TEST(VectorIndex, MinSimilarityFiltersMatches) {
  auto index = make_index(2, 10);
  ASSERT_TRUE(index->upsert(1, Vector{1, 0}));
  ASSERT_TRUE(index->upsert(2, Vector{0, 1}));
  SearchRequest req;
  req.k = 5;
  req.min_similarity = 0.9f;
  auto m = index->search(Vector{1, 0.1f}, req).value();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, 1u);
}

TEST(VectorIndex, DeletedEntryIsNeverReturned) {
  std::mt19937 rng(2);
  auto index = make_index(8, 100);
  const Vector a = random_unit(rng, 8), b = random_unit(rng, 8);
  ASSERT_TRUE(index->upsert(1, a));
  ASSERT_TRUE(index->upsert(2, b));
  EXPECT_TRUE(index->remove(1));
  EXPECT_FALSE(index->remove(1));
  EXPECT_FALSE(index->contains(1));
  EXPECT_EQ(index->size(), 1u);
  for (const auto& m : top(*index, a, 10)) EXPECT_NE(m.id, 1u);
  // Removing the last entry leaves an index that misses cleanly and accepts inserts again.
  EXPECT_TRUE(index->remove(2));
  EXPECT_TRUE(top(*index, a).empty());
  ASSERT_TRUE(index->upsert(3, a));
  auto m = top(*index, a);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, 3u);
}

TEST(VectorIndex, UpsertReplacesTheVectorOfAnId) {
  auto index = make_index(2, 10);
  ASSERT_TRUE(index->upsert(1, Vector{1, 0}));
  ASSERT_TRUE(index->upsert(2, Vector{0.6f, 0.8f}));
  ASSERT_TRUE(index->upsert(1, Vector{0, 1}));
  EXPECT_EQ(index->size(), 2u);
  auto m = top(*index, Vector{0, 1}, 2);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].id, 1u);
  EXPECT_NEAR(m[0].similarity, 1.0f, 1e-5);
}

TEST(VectorIndex, CapacityEvictsLeastRecentlyHit) {
  auto index = make_index(2, 3, 1);
  ASSERT_TRUE(index->upsert(1, Vector{1, 0}));
  ASSERT_TRUE(index->upsert(2, Vector{0, 1}));
  ASSERT_TRUE(index->upsert(3, Vector{1, 1}));
  index->touch(1);  // 2 is now the least recently hit
  auto evicted = index->upsert(4, Vector{1, -1});
  ASSERT_TRUE(evicted);
  EXPECT_EQ(*evicted, std::vector<EntryId>{2});
  EXPECT_TRUE(index->contains(1));
  EXPECT_FALSE(index->contains(2));
  EXPECT_EQ(index->size(), 3u);
  evicted = index->upsert(5, Vector{-1, 0});
  ASSERT_TRUE(evicted);
  EXPECT_EQ(*evicted, std::vector<EntryId>{3});
  for (const auto& m : top(*index, Vector{0, 1}, 5)) {
    EXPECT_NE(m.id, 2u);
    EXPECT_NE(m.id, 3u);
  }
}

TEST(VectorIndex, SlotsAreReusedSoMemoryStaysBounded) {
  std::mt19937 rng(3);
  auto index = make_index(8, 64, 8);
  for (EntryId id = 0; id < 1000; ++id) ASSERT_TRUE(index->upsert(id, random_unit(rng, 8)));
  EXPECT_EQ(index->size(), 64u);
  EXPECT_LE(index->slot_count(), 64u);
  // The 64 newest survive and are all findable.
  for (EntryId id = 1000 - 64; id < 1000; ++id) EXPECT_TRUE(index->contains(id));
}

TEST(VectorIndex, ExpiredEntriesAreSkippedThenRemoved) {
  auto index = make_index(2, 10);
  const auto t0 = Clock::now();
  ASSERT_TRUE(index->upsert(1, Vector{1, 0}, t0 + 10s));
  ASSERT_TRUE(index->upsert(2, Vector{0.9f, 0.1f}, t0 + 100s));
  ASSERT_TRUE(index->upsert(3, Vector{0.8f, 0.2f}));  // never expires
  EXPECT_EQ(top(*index, Vector{1, 0}, 1, t0)[0].id, 1u);
  EXPECT_EQ(top(*index, Vector{1, 0}, 1, t0 + 10s)[0].id, 2u);  // expiry is inclusive
  EXPECT_EQ(top(*index, Vector{1, 0}, 1, t0 + 1000s)[0].id, 3u);

  EXPECT_EQ(index->remove_expired(t0 + 50s), std::vector<EntryId>{1});
  EXPECT_EQ(index->size(), 2u);
  // A replaced entry's old expiry no longer applies.
  ASSERT_TRUE(index->upsert(2, Vector{0.9f, 0.1f}));
  EXPECT_TRUE(index->remove_expired(t0 + 1000s).empty());
  EXPECT_EQ(index->size(), 2u);
}

// Recall of the HNSW graph against exact search, also after heavy churn (deletes + slot reuse).
TEST(VectorIndex, RecallAgainstBruteForce) {
  constexpr std::size_t kDim = 24, kCount = 1500, kQueries = 200;
  std::mt19937 rng(4);
  auto index = make_index(kDim, kCount, 64);
  std::vector<Vector> live(kCount);
  for (EntryId id = 0; id < kCount; ++id) {
    live[id] = random_unit(rng, kDim);
    ASSERT_TRUE(index->upsert(id, live[id]));
  }
  // Churn: replace a third of the entries by new ids with new vectors (reuses hidden slots).
  std::vector<EntryId> ids(kCount);
  for (EntryId id = 0; id < kCount; ++id) ids[id] = id;
  for (EntryId id = 0; id < kCount; id += 3) {
    ASSERT_TRUE(index->remove(id));
    ids[id] = id + kCount;
    live[id] = random_unit(rng, kDim);
    ASSERT_TRUE(index->upsert(ids[id], live[id]));
  }
  std::vector<float> rows;
  for (const auto& v : live) rows.insert(rows.end(), v.begin(), v.end());

  std::size_t hits = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    const Vector query = random_unit(rng, kDim);
    const auto exact = exact_search(rows, ids, kDim, query, 1);
    const auto approx = top(*index, query);
    ASSERT_EQ(approx.size(), 1u);
    if (approx[0].id == exact[0].id) ++hits;
  }
  EXPECT_GE(static_cast<double>(hits) / kQueries, 0.97);
}

TEST(VectorMath, FingerprintIsEqualForEqualVectorsOnly) {
  std::mt19937 rng(8);
  const Vector v = random_unit(rng, 32);
  Vector same = v;
  EXPECT_EQ(fingerprint(v), fingerprint(same));
  std::set<std::uint64_t> seen{fingerprint(v)};
  for (std::size_t i = 0; i < v.size(); ++i) {  // one ulp in any component changes it
    Vector moved = v;
    moved[i] = std::nextafter(moved[i], 2.0f);
    EXPECT_TRUE(seen.insert(fingerprint(moved)).second) << i;
  }
}

// With a graph that misses many stored vectors (testing::narrow_graph), an exact copy of a stored vector is found all the same (its
// fingerprint), with the entry's current id, and never once the entry is gone or expired.
TEST(VectorIndex, ExactCopiesAreFoundWhereTheGraphMissesThem) {
  constexpr std::size_t kDim = 64, kCount = 3000;
  std::mt19937 rng(9);
  auto index = VectorIndex::create(testing::narrow_graph(kDim, kCount)).value();
  std::vector<Vector> vs;
  for (EntryId id = 0; id < kCount; ++id) {
    vs.push_back(random_unit(rng, kDim));
    ASSERT_TRUE(index->upsert(id, vs.back()));
  }
  std::size_t near_misses = 0;  // a slightly moved query: the graph alone must find it
  for (EntryId id = 0; id < kCount; ++id) {
    auto m = top(*index, vs[id]);
    ASSERT_EQ(m.size(), 1u) << id;
    EXPECT_EQ(m[0].id, id);
    EXPECT_NEAR(m[0].similarity, 1.0f, 1e-4f);
    Vector moved = vs[id];
    moved[0] += 1e-3f;
    if (top(*index, moved)[0].id != id) ++near_misses;
  }
  // The graph really is poor here, so the exact copies above were not found by luck.
  EXPECT_GT(near_misses, kCount / 10);

  // Removed, replaced (the old vector no longer names the id) and expired entries are not found
  // through their fingerprint.
  ASSERT_TRUE(index->remove(10));
  EXPECT_NE(top(*index, vs[10])[0].id, 10u);
  ASSERT_TRUE(index->upsert(11, random_unit(rng, kDim)));
  for (const auto& m : index->search(vs[11], SearchRequest{.k = 3}).value()) EXPECT_LT(m.similarity, 0.999f) << m.id;
  const auto now = Clock::now();
  ASSERT_TRUE(index->upsert(12, vs[12], now + 1s));
  EXPECT_EQ(top(*index, vs[12], 1, now)[0].id, 12u);
  for (const auto& m : top(*index, vs[12], 3, now + 2s)) EXPECT_NE(m.id, 12u);

  // Two ids with one vector: either is a correct answer, and after one goes the other remains.
  ASSERT_TRUE(index->upsert(kCount + 1, vs[20]));
  ASSERT_TRUE(index->remove(kCount + 1));
  const auto m = index->search(vs[20], SearchRequest{.k = 1, .min_similarity = 0.999f}).value();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, 20u);
}

// A near-repeat (a moved copy) that the poor graph misses is found through the terms it shares
// with the stored entry; without terms it is not; removed and expired entries leave the lists.
TEST(VectorIndex, NearRepeatsAreFoundThroughSharedTerms) {
  constexpr std::size_t kDim = 64, kCount = 3000;
  std::mt19937 rng(21);
  auto index = VectorIndex::create(testing::narrow_graph(kDim, kCount)).value();
  std::vector<Vector> vs;
  auto terms_of = [](EntryId id) { return std::vector<Term>{static_cast<Term>(id), static_cast<Term>(id / 100 + 1'000'000)}; };
  for (EntryId id = 0; id < kCount; ++id) {
    vs.push_back(random_unit(rng, kDim));
    ASSERT_TRUE(index->upsert(id, vs.back(), std::nullopt, terms_of(id)));
  }
  auto moved = [&](EntryId id) {
    Vector v = vs[id];
    for (std::size_t i = 0; i < 4; ++i) v[i] += 0.05f;
    return v;
  };
  std::size_t graph_misses = 0;
  for (EntryId id = 0; id < kCount; ++id) {
    const auto query = moved(id);
    const float expected = dot(normalised_copy(query, kDim).value(), vs[id]);  // ~0.99; others < 0.6
    if (top(*index, query)[0].id != id) ++graph_misses;
    const auto terms = terms_of(id);
    const auto m = index->search(query, SearchRequest{.k = 1, .terms = terms}).value();
    ASSERT_EQ(m.size(), 1u) << id;
    EXPECT_EQ(m[0].id, id);
    EXPECT_NEAR(m[0].similarity, expected, 1e-4f);
  }
  EXPECT_GT(graph_misses, kCount / 10);  // the terms, not luck, found them

  // Sharing only the coarse term (100 entries each) finds it too: the whole list is compared.
  const std::vector<Term> coarse{static_cast<Term>(42 / 100 + 1'000'000)};
  EXPECT_EQ(index->search(moved(42), SearchRequest{.k = 1, .terms = coarse}).value()[0].id, 42u);

  ASSERT_TRUE(index->remove(7));
  const auto terms7 = terms_of(7);
  for (const auto& m : index->search(moved(7), SearchRequest{.k = 3, .terms = terms7}).value()) EXPECT_NE(m.id, 7u);
  const auto now = Clock::now();
  ASSERT_TRUE(index->upsert(8, vs[8], now + 1s, terms_of(8)));
  const auto terms8 = terms_of(8);
  EXPECT_EQ(index->search(moved(8), SearchRequest{.k = 1, .now = now, .terms = terms8}).value()[0].id, 8u);
  for (const auto& m : index->search(moved(8), SearchRequest{.k = 3, .now = now + 2s, .terms = terms8}).value()) {
    EXPECT_NE(m.id, 8u);
  }
  // set_terms replaces them: under its old terms the entry is no longer a term candidate.
  ASSERT_TRUE(index->set_terms(9, std::vector<Term>{777}));
  EXPECT_EQ(index->search(moved(9), SearchRequest{.k = 1, .terms = std::vector<Term>{777}}).value()[0].id, 9u);
  EXPECT_FALSE(index->set_terms(kCount + 5, std::vector<Term>{1}));
  // min_similarity applies to term candidates as to graph matches.
  EXPECT_TRUE(index->search(moved(9), SearchRequest{.k = 1, .min_similarity = 0.9999f, .terms = std::vector<Term>{777}})
                  .value()
                  .empty());
}

// Readers, writers and hits from several threads at once: no crash, and every match names an
// id that was inserted (run under TSan too).
TEST(VectorIndex, ConcurrentSearchInsertRemoveTouch) {
  constexpr std::size_t kDim = 16;
  auto index = make_index(kDim, 500, 8);
  std::atomic<bool> bad{false};
  std::atomic<EntryId> max_id{0};
  auto writer = [&](EntryId base) {
    std::mt19937 rng(static_cast<unsigned>(base));
    for (EntryId i = 0; i < 800; ++i) {
      const EntryId id = base + i;
      EntryId seen = max_id.load();
      while (seen < id && !max_id.compare_exchange_weak(seen, id)) {}
      if (!index->upsert(id, random_unit(rng, kDim))) bad = true;
      if (i % 3 == 0) index->remove(base + i / 2);
    }
  };
  auto reader = [&](unsigned seed) {
    std::mt19937 rng(seed);
    for (int i = 0; i < 1500; ++i) {
      auto r = index->search(random_unit(rng, kDim), SearchRequest{.k = 3});
      if (!r) {
        bad = true;
        continue;
      }
      for (const auto& m : *r) {
        if (m.id > max_id.load() + 1) bad = true;
        index->touch(m.id);
      }
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(writer, 0);
  threads.emplace_back(writer, 1'000'000);
  threads.emplace_back(reader, 7u);
  threads.emplace_back(reader, 8u);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(bad.load());
  EXPECT_LE(index->size(), 500u);
  EXPECT_LE(index->slot_count(), 500u);
}

}  // namespace
}  // namespace ragcache::index
