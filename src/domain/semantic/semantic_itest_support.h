// Helpers shared by the semantic cache's integration fixtures (semantic_cache_itest.cc on its
// own redis-server, semantic_cache_suite.h on any deployment): options for a test's key prefix
// and a cache that must be created.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "domain/semantic/semantic_cache.h"
#include "support/async_test.h"
#include "support/time_scale.h"

namespace ragcache::semantic::itest {

// After the test body destroyed its caches and clients: runs `io` until the tail loops they
// closed have ended (it then runs out of work), up to 3 s (scaled), so no suspended loop (and the
// state it holds) is left behind for LeakSanitizer even on a loaded machine.
inline void drain_tails(boost::asio::io_context& io) {
  io.restart();
  const auto give_up = std::chrono::steady_clock::now() + testing::scaled(std::chrono::seconds(3));
  while (!io.stopped() && std::chrono::steady_clock::now() < give_up) {
    io.run_for(std::chrono::milliseconds(100));
  }
}

inline SemanticCacheOptions test_options(const std::string& prefix) {
  SemanticCacheOptions o;
  o.key_prefix = prefix;
  o.feed_block = std::chrono::milliseconds(200);  // short, so the tails notice the test ending quickly
  return o;
}

inline std::unique_ptr<SemanticCache> make_test_cache(redis::Client& client, embed::Embedder& embedder,
                                                      SemanticCacheOptions options) {
  auto cache = SemanticCache::create(client, embedder, std::move(options));
  EXPECT_TRUE(cache.has_value());
  return cache ? std::move(*cache) : nullptr;
}

// A test's clients, kept by its fixture until the feed loops of its caches have ended: a cache's
// destructor only closes its loop's feed connection, and a loop with a feed read in flight on a
// Client completes it afterwards (semantic_cache.h, Lifetime). Freed with the test body, such a
// Client was used after its end (ASan, on a loaded machine).
class TestClients {
 public:
  redis::Client* keep(std::unique_ptr<redis::Client> client) {
    clients_.push_back(std::move(client));
    return clients_.back().get();
  }
  // After the test body: runs `io` until every feed loop has ended (up to 3 s, scaled), then
  // closes the clients and lets what their close started finish.
  void close_after_feed_loops(boost::asio::io_context& io) {
    const bool ended = testing::run_until(io, [] { return SemanticCache::feed_loops_in_process() == 0; },
                                          std::chrono::seconds(3));
    EXPECT_TRUE(ended) << SemanticCache::feed_loops_in_process() << " feed loop(s) did not end after their cache";
    clients_.clear();
    drain_tails(io);
  }

 private:
  std::vector<std::unique_ptr<redis::Client>> clients_;
};

}  // namespace ragcache::semantic::itest
