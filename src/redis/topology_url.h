// URLs that name several servers: a Redis Cluster (any few nodes as seeds) or a Sentinel set.
//
//   redis-cluster://[[user]:password@]host1:port1,host2:port2[,...]
//   rediss-cluster://...                          the same over TLS
//   redis-sentinel://[[user]:password@]host1:port1,host2:port2[,...]/mastername[/db]
//       [?sentinel_password=P&sentinel_user=U]
//
// The credentials in the userinfo are those of the data nodes (the cluster's nodes, or the
// primary and replicas behind the sentinels); sentinels themselves usually have no password and
// take theirs from the query. A missing port means 6379 (cluster) or 26379 (sentinel).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "redis/endpoint.h"

namespace ragcache::redis {

struct ClusterSpec {
  std::vector<Endpoint> seeds;  // each carries the node credentials and transport
};

struct SentinelSpec {
  std::vector<Endpoint> sentinels;  // with the sentinel credentials
  std::string master_name;
  Endpoint node_template;  // credentials, db and transport for the primary (host/port filled in later)
};

bool is_cluster_url(std::string_view url);
bool is_sentinel_url(std::string_view url);

Result<ClusterSpec> parse_cluster_url(std::string_view url);
Result<SentinelSpec> parse_sentinel_url(std::string_view url);

}  // namespace ragcache::redis
