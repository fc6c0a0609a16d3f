// Embedder: turns texts into vectors for the semantic cache, behind one interface so the cache
// does not care where vectors come from. Implementations:
//   - HashedNgramEmbedder (built-in): offline, deterministic, no model files;
//   - an OpenAI-compatible /v1/embeddings client (lives in http/, implements this interface);
//   - SuppliedVectorEmbedder: the caller sends vectors itself through the native API.
//
// A vector from one model is only ever compared with vectors of the same model: model_id() is
// part of the semantic-cache partition and of the embeddings-cache key.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache::embed {

using Vector = std::vector<float>;

class Embedder {
 public:
  virtual ~Embedder() = default;

  // One vector per text, in order, each of dimension() floats. `texts` (and the strings in it)
  // must stay alive until the returned awaitable completes. Cancelling (per-operation
  // cancellation or destroying the coroutine) abandons the request; nothing is cached then.
  // Errors: invalid_argument (e.g. this embedder does not embed text), timeout, unavailable.
  virtual boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) = 0;

  virtual std::size_t dimension() const = 0;

  // Stable name of the model AND its settings (e.g. "ragcache-hashed-ngram-v1-384"): vectors
  // with different ids must never be compared.
  virtual std::string_view model_id() const = 0;
};

}  // namespace ragcache::embed
