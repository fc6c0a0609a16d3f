// Response headers that tell the caller where an answer came from. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/response.h"

namespace ragcache::gateway {

enum class CacheResult { hit, semantic, miss, shared, bypass };

std::string_view x_cache_value(CacheResult r);  // HIT | SEMANTIC | MISS | SHARED | BYPASS

// X-Cache, X-Cache-Similarity (semantic only) and an RFC 9211 Cache-Status header.
// `detail` (optional) goes into Cache-Status as detail=..., e.g. "redis-unavailable".
http::Headers cache_headers(CacheResult r, std::optional<double> similarity = std::nullopt,
                            std::string_view detail = {});

}  // namespace ragcache::gateway
