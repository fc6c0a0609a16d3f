#include "redis/cluster_topology.h"

#include <algorithm>
#include <charconv>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

Error malformed(std::string what) { return Error(Errc::unexpected_reply, "CLUSTER SLOTS: " + std::move(what)); }

Result<NodeAddress> parse_node(const Reply& node, std::string_view fallback_host) {
  if (!node.is_array() || node.elements.size() < 2) return malformed("node entry is not [host, port, ...]");
  auto host = node.elements[0].as_string();
  auto port = node.elements[1].as_integer();
  if (!host || !port || *port <= 0 || *port > 65535) return malformed("bad node host or port");
  NodeAddress addr{std::string(*host), static_cast<std::uint16_t>(*port)};
  if (addr.host.empty() || addr.host == "?") addr.host = std::string(fallback_host);
  return addr;
}

bool parse_u16(std::string_view text, std::uint16_t& out) {
  unsigned value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

Result<std::vector<SlotRange>> parse_cluster_slots(const Reply& reply, std::string_view fallback_host) {
  if (!reply.is_array()) return malformed("reply is not an array");
  std::vector<SlotRange> ranges;
  for (const auto& entry : reply.elements) {
    if (!entry.is_array() || entry.elements.size() < 3) return malformed("entry is not [first, last, primary, ...]");
    auto first = entry.elements[0].as_integer();
    auto last = entry.elements[1].as_integer();
    if (!first || !last || *first < 0 || *last < *first || *last >= 16384) return malformed("bad slot range");
    SlotRange range;
    range.first = static_cast<std::uint16_t>(*first);
    range.last = static_cast<std::uint16_t>(*last);
    auto primary = parse_node(entry.elements[2], fallback_host);
    if (!primary) return primary.error();
    range.primary = std::move(*primary);
    for (std::size_t i = 3; i < entry.elements.size(); ++i) {
      auto replica = parse_node(entry.elements[i], fallback_host);
      if (!replica) return replica.error();
      range.replicas.push_back(std::move(*replica));
    }
    ranges.push_back(std::move(range));
  }
  return ranges;
}

std::optional<Redirect> parse_redirect(std::string_view text, std::string_view fallback_host) {
  Redirect r;
  if (text.starts_with("MOVED ")) {
    r.kind = Redirect::Kind::moved;
    text.remove_prefix(6);
  } else if (text.starts_with("ASK ")) {
    r.kind = Redirect::Kind::ask;
    text.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!parse_u16(text.substr(0, space), r.slot) || r.slot >= 16384) return std::nullopt;
  std::string_view addr = text.substr(space + 1);
  const auto colon = addr.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  if (!parse_u16(addr.substr(colon + 1), r.target.port) || r.target.port == 0) return std::nullopt;
  std::string_view host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  r.target.host = host.empty() ? std::string(fallback_host) : std::string(host);
  return r;
}

std::vector<PipelineGroup> group_pipeline(const std::vector<std::optional<std::size_t>>& node_of,
                                          const std::vector<bool>& joins_next) {
  const std::size_t n = node_of.size();
  std::vector<std::size_t> assigned(n, 0);
  // Nearest keyed command after each position, then before it.
  std::optional<std::size_t> next;
  std::vector<std::optional<std::size_t>> next_keyed(n);
  for (std::size_t i = n; i-- > 0;) {
    if (node_of[i]) next = node_of[i];
    next_keyed[i] = next;
  }
  std::optional<std::size_t> previous;
  for (std::size_t i = 0; i < n; ++i) {
    if (node_of[i]) previous = node_of[i];
    const bool forward = i < joins_next.size() && joins_next[i];
    const auto& first_choice = forward ? next_keyed[i] : previous;
    const auto& second_choice = forward ? previous : next_keyed[i];
    assigned[i] = node_of[i] ? *node_of[i] : first_choice ? *first_choice : second_choice ? *second_choice : 0;
  }
  std::vector<PipelineGroup> groups;
  for (std::size_t i = 0; i < n; ++i) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const PipelineGroup& g) { return g.node == assigned[i]; });
    if (it == groups.end()) {
      groups.push_back(PipelineGroup{assigned[i], {}});
      it = groups.end() - 1;
    }
    it->positions.push_back(i);
  }
  return groups;
}

}  // namespace ragcache::redis
