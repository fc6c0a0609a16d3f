// Response headers that tell the caller where an answer came from, and the request controls
// that steer the cache. Pure functions.
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

// Cache-Control request directives the gateway honours.
struct CacheControl {
  bool no_cache = false;  // skip the lookup, still store the fresh answer
  bool no_store = false;  // neither look up nor store
};
CacheControl parse_cache_control(std::string_view header);

// X-Cache-Namespace: 1-64 characters of [A-Za-z0-9_.-]; nullopt when invalid.
std::optional<std::string> parse_namespace(std::string_view header);

}  // namespace ragcache::gateway
