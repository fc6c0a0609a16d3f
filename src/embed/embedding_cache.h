// EmbeddingCache: embeddings of identical text are computed once. One Redis string per
// (model, text): `emb:<model>:<hex sha256 of the text>` = the vector as float32 bytes
// (vector_bytes.h), with a TTL (it is the cache role: it can be lost and rebuilt).
//
// `model` names the vector space (an Embedder's model_id(), or an upstream model name plus
// whatever else changes the vectors, e.g. dimensions): vectors of different models never mix.
//
// CachedEmbedder puts the cache in front of any Embedder: hits come from Redis, the rest from
// the inner embedder in one call, and are then stored. Redis trouble never fails an embedding:
// the texts are embedded directly (counted in stats().redis_errors).
//
// Thread-safe. The Client (and the inner embedder) must outlive these objects.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "embed/embedder.h"
#include "redis/client.h"

namespace ragcache::embed {

struct EmbeddingCacheOptions {
  std::chrono::milliseconds ttl{std::chrono::hours(24 * 7)};
  std::string key_prefix = {};  // prepended to every key (tests, several deployments on one Redis)
};

class EmbeddingCache {
 public:
  EmbeddingCache(redis::Client& client, EmbeddingCacheOptions options = {});

  std::string key(std::string_view model, std::string_view text) const;

  // One entry per text, in order: the cached vector or nullopt. Entries that do not decode are
  // treated as missing. Errors: Redis errors only.
  boost::asio::awaitable<Result<std::vector<std::optional<Vector>>>> get(std::string_view model,
                                                                         std::span<const std::string> texts);
  // Stores vectors[i] for texts[i] (sizes must match: invalid_argument otherwise).
  boost::asio::awaitable<Result<void>> put(std::string_view model, std::span<const std::string> texts,
                                           std::span<const Vector> vectors);

  const EmbeddingCacheOptions& options() const { return options_; }

 private:
  redis::Client& client_;
  EmbeddingCacheOptions options_;
};

struct CachedEmbedderStats {
  std::atomic<std::uint64_t> hits{0}, misses{0}, redis_errors{0};
};

class CachedEmbedder final : public Embedder {
 public:
  CachedEmbedder(Embedder& inner, EmbeddingCache& cache) : inner_(inner), cache_(cache) {}

  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;
  std::size_t dimension() const override { return inner_.dimension(); }
  std::string_view model_id() const override { return inner_.model_id(); }
  const CachedEmbedderStats& stats() const { return stats_; }

 private:
  Embedder& inner_;
  EmbeddingCache& cache_;
  CachedEmbedderStats stats_;
};

}  // namespace ragcache::embed
