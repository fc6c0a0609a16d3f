// Shared by the index's tests: options for a deliberately poor graph.
#pragma once

#include "index/vector_index.h"

namespace ragcache::index::testing {

// A graph built and searched with the narrowest beams: on high-dimensional random data it misses
// many stored vectors, so a test can tell what the graph alone would not find.
inline VectorIndexOptions narrow_graph(std::size_t dimension, std::size_t capacity) {
  VectorIndexOptions opts;
  opts.dimension = dimension;
  opts.capacity = capacity;
  opts.initial_slots = capacity;
  opts.m = 2;
  opts.ef_construction = 1;
  opts.ef_search = 1;
  return opts;
}

}  // namespace ragcache::index::testing
