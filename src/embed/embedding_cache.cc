#include "embed/embedding_cache.h"

#include "base/hash.h"
#include "base/vector_bytes.h"

namespace ragcache::embed {

namespace asio = boost::asio;
using redis::Command;

EmbeddingCache::EmbeddingCache(redis::Client& client, EmbeddingCacheOptions options)
    : client_(client), options_(std::move(options)) {}

std::string EmbeddingCache::key(std::string_view model, std::string_view text) const {
  std::string k = options_.key_prefix;
  k += "emb:";
  k += model;
  k += ':';
  k += sha256_hex(text);
  return k;
}

asio::awaitable<Result<std::vector<std::optional<Vector>>>> EmbeddingCache::get(std::string_view model,
                                                                              std::span<const std::string> texts) {
  std::vector<std::optional<Vector>> out(texts.size());
  if (texts.empty()) co_return out;
  // One GET per key in one pipeline (not MGET: the keys live in different cluster slots).
  std::vector<Command> reads;
  reads.reserve(texts.size());
  for (const auto& t : texts) reads.emplace_back("GET", key(model, t));
  auto replies = co_await client_.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  if (replies->size() != texts.size()) co_return Error(Errc::internal, "embedding cache: short pipeline reply");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& r = (*replies)[i];
    if (r.is_error()) co_return Error(Errc::unavailable, "embedding cache: " + r.str);
    if (!r.is_string() || r.str.empty()) continue;
    auto v = decode_vector_bytes(r.str);
    if (v) out[i] = std::move(*v);
  }
  co_return out;
}

asio::awaitable<Result<void>> EmbeddingCache::put(std::string_view model, std::span<const std::string> texts,
                                                  std::span<const Vector> vectors) {
  if (texts.size() != vectors.size()) co_return Error(Errc::invalid_argument, "embedding cache: texts/vectors mismatch");
  if (texts.empty()) co_return Result<void>();
  std::vector<Command> writes;
  writes.reserve(texts.size());
  const auto ttl_ms = static_cast<std::int64_t>(options_.ttl.count());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    writes.emplace_back("SET", key(model, texts[i]), encode_vector_bytes(vectors[i]), "PX", std::max<std::int64_t>(ttl_ms, 1));
  }
  auto replies = co_await client_.exec_pipeline(std::move(writes));
  if (!replies) co_return replies.error();
  for (const auto& r : *replies) {
    if (r.is_error()) co_return Error(Errc::unavailable, "embedding cache: " + r.str);
  }
  co_return Result<void>();
}

asio::awaitable<Result<std::vector<Vector>>> CachedEmbedder::embed(std::span<const std::string> texts) {
  std::vector<std::optional<Vector>> found(texts.size());
  auto cached = co_await cache_.get(inner_.model_id(), texts);
  if (cached) {
    found = std::move(*cached);
  } else {
    stats_.redis_errors.fetch_add(1, std::memory_order_relaxed);
  }
  std::vector<std::string> missing;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (found[i] && found[i]->size() == inner_.dimension()) continue;
    missing.push_back(texts[i]);
    where.push_back(i);
  }
  stats_.hits.fetch_add(texts.size() - missing.size(), std::memory_order_relaxed);
  stats_.misses.fetch_add(missing.size(), std::memory_order_relaxed);
  if (!missing.empty()) {
    auto fresh = co_await inner_.embed(missing);
    if (!fresh) co_return fresh.error();
    if (fresh->size() != missing.size()) co_return Error(Errc::internal, "embedder returned a wrong number of vectors");
    if (cached) {
      auto stored = co_await cache_.put(inner_.model_id(), missing, *fresh);
      if (!stored) stats_.redis_errors.fetch_add(1, std::memory_order_relaxed);
    }
    for (std::size_t j = 0; j < where.size(); ++j) found[where[j]] = std::move((*fresh)[j]);
  }
  std::vector<Vector> out;
  out.reserve(texts.size());
  for (auto& v : found) out.push_back(std::move(*v));
  co_return out;
}

}  // namespace ragcache::embed
