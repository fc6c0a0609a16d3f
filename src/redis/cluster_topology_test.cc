#include "redis/cluster_topology.h"

#include <gtest/gtest.h>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

Reply array(std::vector<Reply> elements) {
  Reply r;
  r.kind = Reply::Kind::array;
  r.elements = std::move(elements);
  return r;
}
Reply bulk(std::string s) { return Reply::make_bulk(std::move(s)); }
Reply integer(std::int64_t v) { return Reply::make_integer(v); }
Reply node(std::string host, std::int64_t port) { return array({bulk(std::move(host)), integer(port), bulk("id")}); }

TEST(ClusterTopology, ParsesClusterSlots) {
  Reply reply = array({
      array({integer(0), integer(5460), node("127.0.0.1", 7000), node("127.0.0.1", 7003)}),
      array({integer(5461), integer(16383), node("", 7001)}),
  });
  auto ranges = parse_cluster_slots(reply, "10.1.1.1");
  ASSERT_TRUE(ranges.has_value()) << ranges.error().message();
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_EQ((*ranges)[0].first, 0);
  EXPECT_EQ((*ranges)[0].last, 5460);
  EXPECT_EQ((*ranges)[0].primary, (NodeAddress{"127.0.0.1", 7000}));
  ASSERT_EQ((*ranges)[0].replicas.size(), 1u);
  EXPECT_EQ((*ranges)[0].replicas[0].port, 7003);
  EXPECT_EQ((*ranges)[1].primary, (NodeAddress{"10.1.1.1", 7001}));  // empty host: the node we asked
}

TEST(ClusterTopology, RejectsMalformedSlots) {
  EXPECT_FALSE(parse_cluster_slots(bulk("x"), "h").has_value());
  EXPECT_FALSE(parse_cluster_slots(array({array({integer(5), integer(1), node("h", 1)})}), "h").has_value());
  EXPECT_FALSE(parse_cluster_slots(array({array({integer(0), integer(16384), node("h", 1)})}), "h").has_value());
  EXPECT_FALSE(parse_cluster_slots(array({array({integer(0), integer(1), node("h", 0)})}), "h").has_value());
  EXPECT_FALSE(parse_cluster_slots(array({array({integer(0), integer(1)})}), "h").has_value());
}

TEST(ClusterTopology, ParsesRedirects) {
  auto moved = parse_redirect("MOVED 3999 127.0.0.1:6381", "x");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->kind, Redirect::Kind::moved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->target, (NodeAddress{"127.0.0.1", 6381}));
  auto ask = parse_redirect("ASK 12 :7002", "10.0.0.9");
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, Redirect::Kind::ask);
  EXPECT_EQ(ask->target, (NodeAddress{"10.0.0.9", 7002}));
  auto v6 = parse_redirect("MOVED 1 [::1]:7000", "x");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->target.host, "::1");
  EXPECT_FALSE(parse_redirect("ERR unknown command", "x").has_value());
  EXPECT_FALSE(parse_redirect("MOVED 99999 h:1", "x").has_value());
  EXPECT_FALSE(parse_redirect("MOVED 1 h", "x").has_value());
  EXPECT_FALSE(parse_redirect("MOVED", "x").has_value());
}

TEST(ClusterTopology, PipelineGroupsKeepOrderAndCarryKeylessCommands) {
  using O = std::optional<std::size_t>;
  // MULTI, SET a (node 1), SET b (node 1), EXEC, GET c (node 0), PING at the end.
  std::vector<std::optional<std::size_t>> nodes = {O{}, O{1}, O{1}, O{}, O{0}, O{}};
  std::vector<bool> multi = {true, false, false, false, false, false};
  auto groups = group_pipeline(nodes, multi);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].node, 1u);
  EXPECT_EQ(groups[0].positions, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(groups[1].node, 0u);
  EXPECT_EQ(groups[1].positions, (std::vector<std::size_t>{4, 5}));
  // A MULTI in the middle goes with the transaction after it, not with the command before it.
  std::vector<std::optional<std::size_t>> middle = {O{0}, O{}, O{1}, O{}};
  std::vector<bool> middle_multi = {false, true, false, false};
  auto tx = group_pipeline(middle, middle_multi);
  ASSERT_EQ(tx.size(), 2u);
  EXPECT_EQ(tx[1].node, 1u);
  EXPECT_EQ(tx[1].positions, (std::vector<std::size_t>{1, 2, 3}));
  auto keyless = group_pipeline({O{}, O{}});
  ASSERT_EQ(keyless.size(), 1u);
  EXPECT_EQ(keyless[0].positions.size(), 2u);
  EXPECT_TRUE(group_pipeline({}).empty());
  // Every position appears exactly once, in increasing order within its group.
  auto mixed = group_pipeline({O{2}, O{0}, O{2}, O{1}, O{0}});
  std::vector<int> seen(5, 0);
  for (const auto& g : mixed) {
    for (std::size_t k = 0; k < g.positions.size(); ++k) {
      ++seen[g.positions[k]];
      if (k > 0) {
        EXPECT_LT(g.positions[k - 1], g.positions[k]);
      }
    }
  }
  EXPECT_EQ(seen, std::vector<int>(5, 1));
}

}  // namespace
}  // namespace ragcache::redis
