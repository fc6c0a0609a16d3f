#include "index/index_manager.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/random.h"

#include "index/partition.h"

namespace ragcache::index {
namespace {

using namespace std::chrono_literals;

const PartitionKey kBase{"tenant-a", "gpt-4o", "sys1", ""};

std::vector<Match> lookup(const IndexManager& m, const PartitionKey& p, const Vector& q) {
  return m.search(p, q, SearchRequest{.k = 5}).value();
}

TEST(IndexManager, EntriesNeverMatchAcrossPartitions) {
  IndexManager manager;
  const Vector v{1, 0, 0, 0};
  ASSERT_TRUE(manager.upsert(kBase, 1, v));

  PartitionKey other_tenant = kBase;
  other_tenant.tenant = "tenant-b";
  PartitionKey other_model = kBase;
  other_model.model = "gpt-4o-mini";
  PartitionKey other_system = kBase;
  other_system.system_fingerprint = "sys2";
  PartitionKey other_namespace = kBase;
  other_namespace.name_space = "support";

  ASSERT_EQ(lookup(manager, kBase, v).size(), 1u);
  for (const auto& p : {other_tenant, other_model, other_system, other_namespace}) {
    EXPECT_TRUE(lookup(manager, p, v).empty()) << p.canonical();
  }
  // The same id in another tenant is another entry: removing it there leaves ours alone.
  ASSERT_TRUE(manager.upsert(other_tenant, 1, v));
  EXPECT_TRUE(manager.remove(other_tenant, 1));
  EXPECT_EQ(lookup(manager, kBase, v).size(), 1u);
  EXPECT_EQ(manager.size(), 1u);
}

TEST(IndexManager, PartitionDimensionIsFixedByFirstVector) {
  IndexManager manager;
  ASSERT_TRUE(manager.upsert(kBase, 1, Vector{1, 0, 0}));
  auto wrong = manager.upsert(kBase, 2, Vector{1, 0});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, make_error_code(Errc::invalid_argument));
  EXPECT_FALSE(manager.search(kBase, Vector{1, 0}, SearchRequest{}));
  EXPECT_FALSE(manager.upsert(PartitionKey{"t", "m", "", ""}, 1, Vector{}));
}

TEST(IndexManager, DeleteRemovesOnlyThatEntry) {
  IndexManager manager;
  ASSERT_TRUE(manager.upsert(kBase, 1, Vector{1, 0}));
  ASSERT_TRUE(manager.upsert(kBase, 2, Vector{0, 1}));
  EXPECT_TRUE(manager.remove(kBase, 1));
  EXPECT_FALSE(manager.remove(kBase, 1));
  auto m = lookup(manager, kBase, Vector{1, 0});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, 2u);
}

TEST(IndexManager, CapacityPerNamespaceAndLeastRecentlyHitEviction) {
  IndexManagerOptions opts;
  opts.partition.capacity = 100;
  opts.capacity_per_namespace["small"] = 2;
  IndexManager manager(opts);
  PartitionKey small = kBase;
  small.name_space = "small";
  ASSERT_TRUE(manager.upsert(small, 1, Vector{1, 0}));
  ASSERT_TRUE(manager.upsert(small, 2, Vector{0, 1}));
  manager.touch(small, 1);
  auto evicted = manager.upsert(small, 3, Vector{1, 1});
  ASSERT_TRUE(evicted);
  EXPECT_EQ(*evicted, std::vector<EntryId>{2});
  for (EntryId id = 10; id < 20; ++id) ASSERT_TRUE(manager.upsert(kBase, id, Vector{1, float(id)}));
  EXPECT_EQ(manager.size(), 12u);  // the default namespace kept all 10
}

TEST(IndexManager, RemoveExpiredDropsEntriesAndEmptyPartitions) {
  IndexManager manager;
  const auto t0 = Clock::now();
  PartitionKey other = kBase;
  other.tenant = "tenant-b";
  ASSERT_TRUE(manager.upsert(kBase, 1, Vector{1, 0}, t0 + 1s));
  ASSERT_TRUE(manager.upsert(kBase, 2, Vector{0, 1}));
  ASSERT_TRUE(manager.upsert(other, 3, Vector{1, 0}, t0 + 1s));
  EXPECT_EQ(manager.partition_count(), 2u);
  EXPECT_EQ(manager.remove_expired(t0 + 2s), 2u);
  EXPECT_EQ(manager.size(), 1u);
  EXPECT_EQ(manager.partition_count(), 1u);
  EXPECT_TRUE(lookup(manager, other, Vector{1, 0}).empty());
}

TEST(IndexManager, DropPartition) {
  IndexManager manager;
  ASSERT_TRUE(manager.upsert(kBase, 1, Vector{1, 0}));
  EXPECT_TRUE(manager.drop_partition(kBase));
  EXPECT_FALSE(manager.drop_partition(kBase));
  EXPECT_TRUE(lookup(manager, kBase, Vector{1, 0}).empty());
  EXPECT_GT(IndexManager().memory_bytes() + 1, 0u);
}

TEST(PartitionKey, CanonicalFormIsUnambiguous) {
  EXPECT_NE((PartitionKey{"a", "bc", "", ""}.canonical()), (PartitionKey{"ab", "c", "", ""}.canonical()));
  EXPECT_NE((PartitionKey{"a:1", "", "", ""}.canonical()), (PartitionKey{"a", "1", "", ""}.canonical()));
  EXPECT_EQ(kBase.canonical(), PartitionKey(kBase).canonical());
}

TEST(IndexManager, PartitionSnapshotRoundTripsIntoTheSamePartitionOnly) {
  const auto dir = std::filesystem::temp_directory_path() / ("im-snapshot-" + random_token().substr(0, 12));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "p").string();
  IndexManager writer;
  EXPECT_FALSE(writer.save_partition(kBase, path));  // unknown here
  ASSERT_TRUE(writer.upsert(kBase, 1, Vector{1, 0, 0, 0}));
  ASSERT_TRUE(writer.upsert(kBase, 2, Vector{0, 1, 0, 0}));
  ASSERT_TRUE(writer.save_partition(kBase, path));

  IndexManager reader;
  ASSERT_TRUE(reader.upsert(kBase, 9, Vector{0, 0, 1, 0}));  // replaced by the snapshot
  auto loaded = reader.load_partition(kBase, 4, path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, 2u);
  EXPECT_TRUE(reader.contains(kBase, 2));
  EXPECT_FALSE(reader.contains(kBase, 9));
  PartitionKey other = kBase;
  other.tenant = "tenant-b";
  EXPECT_FALSE(reader.contains(other, 2));
  EXPECT_EQ(lookup(reader, kBase, Vector{0, 1, 0, 0}).front().id, 2u);
  EXPECT_FALSE(reader.load_partition(kBase, 8, path));  // another dimension
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ragcache::index
