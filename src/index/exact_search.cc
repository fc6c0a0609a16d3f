#include "index/exact_search.h"

#include <algorithm>

#include "index/vector_math.h"

namespace ragcache::index {

std::vector<Match> exact_search(std::span<const float> rows, std::span<const EntryId> ids,
                                std::size_t dimension, std::span<const float> query, std::size_t k) {
  std::vector<Match> all;
  if (dimension == 0) return all;
  const std::size_t n = std::min(rows.size() / dimension, ids.size());
  all.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    all.push_back({ids[i], dot(rows.subspan(i * dimension, dimension), query)});
  }
  const std::size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    [](const Match& a, const Match& b) { return a.similarity > b.similarity; });
  all.resize(keep);
  return all;
}

}  // namespace ragcache::index
