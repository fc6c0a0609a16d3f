// Stream entries out of an XREAD / XRANGE reply, turned into typed values in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "domain/cache/lock_value.h"
#include "redis/reply.h"

namespace ragcache::cache {

struct StreamEntry {
  StreamId id;
  std::string id_text;
  std::vector<std::pair<std::string, std::string>> fields;

  // The value of a field, nullopt when absent.
  std::optional<std::string_view> field(std::string_view name) const;
};

// XREAD reply for one stream: nil (BLOCK timed out) -> empty vector.
Result<std::vector<StreamEntry>> parse_xread(const redis::Reply& reply);
// XRANGE / XREVRANGE reply: an array of entries.
Result<std::vector<StreamEntry>> parse_entries(const redis::Reply& reply);

}  // namespace ragcache::cache
