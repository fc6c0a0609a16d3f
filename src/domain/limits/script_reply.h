// Reading the array replies of this library's scripts in one place.
#pragma once

#include <cstdint>
#include <vector>

#include "base/error.h"
#include "redis/reply.h"

namespace ragcache::limits {

// The reply as `count` integers (integers or decimal bulk strings); else Errc::malformed_reply.
Result<std::vector<std::int64_t>> integers_of(const redis::Reply& reply, std::size_t count);

// Element i of an array reply as a string ("" when nil).
std::string string_at(const redis::Reply& reply, std::size_t i);
// Element i of an array reply as an integer (fallback when absent or not a number).
std::int64_t integer_at(const redis::Reply& reply, std::size_t i, std::int64_t fallback = 0);

}  // namespace ragcache::limits
