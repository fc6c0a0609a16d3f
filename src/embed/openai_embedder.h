// OpenAiEmbedder: vectors from any OpenAI-compatible /v1/embeddings endpoint (OpenAI, vLLM,
// llama.cpp server, Ollama, TEI...). Protocol logic only; bytes move through an
// EmbeddingTransport (src/http implements it over the upstream HTTP client, with its timeout).
//
//   - batching: at most `max_batch` inputs per call; larger requests become several calls,
//     results concatenated in order;
//   - retry: transport failures (timeouts included), 429 and 5xx are retried up to
//     `max_attempts` calls in all, waiting `backoff`, 2*backoff, 4*backoff... in between;
//     other statuses (400, 401, 404...) fail at once with the endpoint's error message;
//   - API key: "Authorization: Bearer <key>" when set;
//   - dimension: `dimensions` when configured (then also sent in each request, which models
//     like text-embedding-3-* honour); otherwise learned from the first answer (call probe()
//     at start-up: the semantic cache needs dimension() before its first lookup).
//
// Thread-safe: embed() may run concurrently from many threads.
// Lifetime: the transport must outlive the embedder.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "embed/embedder.h"
#include "embed/embedding_transport.h"

namespace ragcache::embed {

struct OpenAiEmbedderOptions {
  std::string model = {};        // required, e.g. "text-embedding-3-small"
  std::string api_key = {};      // empty: no Authorization header
  std::size_t dimensions = 0;    // 0: learned from the endpoint
  std::size_t max_batch = 64;    // inputs per call
  int max_attempts = 3;          // calls per batch, first one included
  std::chrono::milliseconds backoff{100};
  std::string path = "/embeddings";
};

struct OpenAiEmbedderStats {
  std::atomic<std::uint64_t> calls{0}, retries{0}, inputs{0}, failures{0};
};

class OpenAiEmbedder final : public Embedder {
 public:
  // invalid_argument: empty model, max_batch 0 or > 2048, max_attempts < 1.
  static Result<std::unique_ptr<OpenAiEmbedder>> create(EmbeddingTransport& transport, OpenAiEmbedderOptions options);

  // Errors: invalid_argument (no texts is fine: empty result; an empty text is refused, as
  // OpenAI does), the endpoint's error (unavailable, with its message), timeout after retries.
  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;

  // Embeds one short text to learn dimension() when it was not configured.
  boost::asio::awaitable<Result<void>> probe();

  std::size_t dimension() const override { return dimension_.load(std::memory_order_relaxed); }
  // "openai:<model>" (+ ":<dimensions>" when configured): names vectors in caches and partitions.
  std::string_view model_id() const override { return model_id_; }
  const OpenAiEmbedderStats& stats() const { return stats_; }

 private:
  OpenAiEmbedder(EmbeddingTransport& transport, OpenAiEmbedderOptions options);
  boost::asio::awaitable<Result<std::vector<Vector>>> embed_batch(std::span<const std::string> texts);

  EmbeddingTransport& transport_;
  OpenAiEmbedderOptions options_;
  std::string model_id_;
  std::atomic<std::size_t> dimension_;
  OpenAiEmbedderStats stats_;
};

}  // namespace ragcache::embed
