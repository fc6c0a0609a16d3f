// Which key decides where a command runs in Redis Cluster (the "routing key").
//
// One table for the whole client: ordinary key commands use argument 1; EVAL/EVALSHA/FCALL the
// first key when numkeys > 0; XREAD/XREADGROUP the first stream after STREAMS; MEMORY USAGE,
// OBJECT, XINFO, XGROUP the key after their subcommand; BITOP the destination key. Server-wide or
// keyless commands (PING, INFO, CONFIG, SCRIPT, PUBLISH, MULTI, ...) have no routing key and may go
// to any node. Command::route_by overrides the table for anything unusual.
#pragma once

#include <optional>
#include <string_view>

#include "redis/command.h"

namespace ragcache::redis {

// The routing key of cmd, or nullopt when any node may run it. The view points into cmd.
std::optional<std::string_view> routing_key(const Command& cmd);

// For scripts and functions (EVAL, EVALSHA, FCALL and their _RO forms): false when their KEYS
// do not all share one hash slot, i.e. Redis Cluster would refuse them with CROSSSLOT. Other
// commands: true. Lets single-server tests catch scripts that would break on a cluster.
bool script_keys_share_slot(const Command& cmd);

}  // namespace ragcache::redis
