// VectorIndex::save / load: a loaded snapshot answers exactly like the index it was taken of
// (same matches, same live ids, same expiries, same eviction order), and a missing, corrupt or
// mismatching snapshot is an error, never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "base/random.h"
#include "index/index_test_support.h"
#include "index/vector_index.h"

namespace ragcache::index {
namespace {

std::vector<float> random_vector(std::mt19937& rng, std::size_t dim) {
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(dim);
  for (auto& x : v) x = n(rng);
  return v;
}

class VectorIndexSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vi-snapshot-" + random_token().substr(0, 12));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "index").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  VectorIndexOptions options(std::size_t capacity = 64) {
    VectorIndexOptions o;
    o.dimension = 8;
    o.capacity = capacity;
    o.initial_slots = 4;  // the graph grows while filling: the snapshot must keep its size
    return o;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(VectorIndexSnapshotTest, LoadedIndexAnswersLikeTheOriginal) {
  std::mt19937 rng(7);
  auto original = VectorIndex::create(options(40)).value();
  std::vector<std::vector<float>> vectors;
  const auto later = Clock::now() + std::chrono::hours(1);
  const auto past = Clock::now() - std::chrono::seconds(1);
  for (EntryId id = 1; id <= 40; ++id) {
    vectors.push_back(random_vector(rng, 8));
    std::optional<Clock::time_point> expiry;
    if (id % 5 == 0) expiry = later;
    if (id == 7) expiry = past;  // expired: never returned
    ASSERT_TRUE(original->upsert(id, vectors.back(), expiry));
  }
  EXPECT_TRUE(original->remove(3));  // a free slot, reused later
  original->touch(1);                 // 1 becomes the most recently hit: evicted last
  ASSERT_TRUE(original->save(path_));

  auto loaded = VectorIndex::load(options(40), path_);
  ASSERT_TRUE(loaded) << loaded.error().message();
  auto& copy = **loaded;
  EXPECT_EQ(copy.size(), original->size());
  EXPECT_FALSE(copy.contains(3));
  EXPECT_TRUE(copy.contains(40));
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const SearchRequest request{.k = 3};
    EXPECT_EQ(copy.search(vectors[i], request).value(), original->search(vectors[i], request).value()) << i;
  }
  EXPECT_TRUE(copy.search(vectors[6], SearchRequest{.k = 1, .min_similarity = 0.999f})->empty());  // id 7 expired

  // Both evict the same entries next: the recency order survived (2 is the least recently hit,
  // then 4; 3's slot is reused first).
  for (auto* index : {original.get(), &copy}) {
    EXPECT_TRUE(index->upsert(100, random_vector(rng, 8))->empty());  // fills 3's slot
    auto evicted = index->upsert(101, random_vector(rng, 8));
    ASSERT_TRUE(evicted);
    EXPECT_EQ(*evicted, std::vector<EntryId>{2});
  }
  // The expiry records came along: an hour later the expiring ids are dropped.
  EXPECT_EQ(copy.remove_expired(later + std::chrono::seconds(1)).size(), original->remove_expired(later + std::chrono::seconds(1)).size());
  EXPECT_FALSE(copy.contains(5));
}

// Exact copies of stored vectors are found in a loaded index too, where its graph alone misses
// them (narrowest beams, high-dimensional random data): the fingerprints are rebuilt on load.
// So are near-repeats through the terms the snapshot kept.
TEST_F(VectorIndexSnapshotTest, LoadedIndexFindsExactCopiesAndNearRepeatsByTheirTerms) {
  constexpr std::size_t kDim = 64, kCount = 2000;
  const VectorIndexOptions o = testing::narrow_graph(kDim, kCount);
  std::mt19937 rng(11);
  auto original = VectorIndex::create(o).value();
  std::vector<std::vector<float>> vectors;
  for (EntryId id = 0; id < kCount; ++id) {
    vectors.push_back(random_vector(rng, kDim));
    const std::vector<Term> terms{static_cast<Term>(id), 5'000'000};
    ASSERT_TRUE(original->upsert(id, vectors.back(), std::nullopt, terms));
  }
  ASSERT_TRUE(original->remove(3));
  ASSERT_TRUE(original->save(path_));
  auto loaded = VectorIndex::load(o, path_);
  ASSERT_TRUE(loaded) << loaded.error().message();
  for (EntryId id = 0; id < kCount; ++id) {
    const auto m = (*loaded)->search(vectors[id], SearchRequest{.k = 1, .min_similarity = 0.999f}).value();
    std::vector<float> moved = vectors[id];
    for (std::size_t i = 0; i < 4; ++i) moved[i] += 0.3f;  // a near-repeat the poor graph may miss
    const std::vector<Term> terms{static_cast<Term>(id)};
    const auto near = (*loaded)->search(moved, SearchRequest{.k = 1, .min_similarity = 0.9f, .terms = terms}).value();
    if (id == 3) {
      EXPECT_TRUE(m.empty());
      EXPECT_TRUE(near.empty());
      continue;
    }
    ASSERT_EQ(m.size(), 1u) << id;
    EXPECT_EQ(m[0].id, id);
    ASSERT_EQ(near.size(), 1u) << id;
    EXPECT_EQ(near[0].id, id);
  }
}

TEST_F(VectorIndexSnapshotTest, BadSnapshotsAreErrors) {
  EXPECT_FALSE(VectorIndex::load(options(), path_));  // nothing there
  std::mt19937 rng(1);
  auto original = VectorIndex::create(options()).value();
  for (EntryId id = 1; id <= 10; ++id) ASSERT_TRUE(original->upsert(id, random_vector(rng, 8)));
  ASSERT_TRUE(original->save(path_));

  auto other_dimension = options();
  other_dimension.dimension = 16;
  EXPECT_FALSE(VectorIndex::load(other_dimension, path_));
  auto too_small = options(5);
  EXPECT_FALSE(VectorIndex::load(too_small, path_));

  // A truncated graph file.
  std::filesystem::resize_file(path_ + ".hnsw", std::filesystem::file_size(path_ + ".hnsw") / 2);
  EXPECT_FALSE(VectorIndex::load(options(), path_));
  ASSERT_TRUE(original->save(path_));
  // Garbage in the slots file.
  std::ofstream(path_ + ".slots", std::ios::binary | std::ios::trunc) << "not a snapshot";
  EXPECT_FALSE(VectorIndex::load(options(), path_));
}

}  // namespace
}  // namespace ragcache::index
