// Pure pieces of Redis Cluster routing: the slot map from CLUSTER SLOTS, the redirections
// (-MOVED / -ASK) a node answers with, and how a pipeline is split per node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "redis/reply.h"

namespace ragcache::redis {

struct NodeAddress {
  std::string host;
  std::uint16_t port = 0;

  std::string key() const { return host + ":" + std::to_string(port); }
  bool operator==(const NodeAddress&) const = default;
};

// One entry of CLUSTER SLOTS: slots [first, last] served by primary (and replicas).
struct SlotRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  NodeAddress primary;
  std::vector<NodeAddress> replicas;
};

// Parses a CLUSTER SLOTS reply. An empty host (the node does not know its own address) is
// replaced by fallback_host: the address we asked.
Result<std::vector<SlotRange>> parse_cluster_slots(const Reply& reply, std::string_view fallback_host);

// A "-MOVED 3999 127.0.0.1:6381" or "-ASK 3999 127.0.0.1:6381" error.
struct Redirect {
  enum class Kind { moved, ask };
  Kind kind = Kind::moved;
  std::uint16_t slot = 0;
  NodeAddress target;
};

// The redirect in a server error text, or nullopt when it is not one.
std::optional<Redirect> parse_redirect(std::string_view error_text, std::string_view fallback_host);

// Splits a pipeline by node. node_of[i] is the node index of command i, or nullopt for a
// keyless command, which joins the node of the nearest keyed command before it (EXEC goes with
// the transaction's commands), else after it; a keyless command with joins_next[i] set (MULTI)
// prefers the nearest keyed command after it. All keyless: node 0. Returns, per node index used,
// the positions of its commands in order: groups[k] = {node, {i, j, ...}}.
struct PipelineGroup {
  std::size_t node = 0;
  std::vector<std::size_t> positions;
};
std::vector<PipelineGroup> group_pipeline(const std::vector<std::optional<std::size_t>>& node_of,
                                          const std::vector<bool>& joins_next = {});

}  // namespace ragcache::redis
