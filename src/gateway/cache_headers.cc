#include "gateway/cache_headers.h"

#include <cctype>
#include <cstdio>

namespace ragcache::gateway {

std::string_view x_cache_value(CacheResult r) {
  switch (r) {
    case CacheResult::hit: return "HIT";
    case CacheResult::semantic: return "SEMANTIC";
    case CacheResult::miss: return "MISS";
    case CacheResult::shared: return "SHARED";
    case CacheResult::bypass: return "BYPASS";
  }
  return "BYPASS";
}

http::Headers cache_headers(CacheResult r, std::optional<double> similarity, std::string_view detail) {
  http::Headers h;
  h.emplace_back("X-Cache", std::string(x_cache_value(r)));
  // RFC 9211: "ragcache" is the cache's name; hit, or fwd=<why it went forward>.
  std::string status = "ragcache";
  switch (r) {
    case CacheResult::hit: status += "; hit"; break;
    case CacheResult::semantic: status += "; hit; detail=semantic"; break;
    case CacheResult::shared: status += "; fwd=miss; collapsed"; break;
    case CacheResult::miss: status += "; fwd=miss; stored"; break;
    case CacheResult::bypass: status += "; fwd=bypass"; break;
  }
  if (similarity && r == CacheResult::semantic) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *similarity);
    h.emplace_back("X-Cache-Similarity", buf);
  }
  if (!detail.empty() && r != CacheResult::semantic) {
    status += "; detail=";
    status += detail;
  }
  h.emplace_back("Cache-Status", std::move(status));
  return h;
}

}  // namespace ragcache::gateway
