#include "embed/neural_embedder.h"

#include <malloc.h>

namespace ragcache::embed {

Result<std::unique_ptr<NeuralEmbedder>> NeuralEmbedder::load(const std::string& path, DenseKernel kernel) {
  auto file = read_use_lite_model_file(path);
  if (!file) return file.error();
  auto embedder = create(std::move(*file), kernel);
  if (!embedder) return Error(embedder.error().code, path + ": " + embedder.error().detail);
#ifdef __GLIBC__
  // Loading went through ~100 MB of buffers now freed (file bytes, tensors before packing): give
  // the pages back instead of keeping them in the allocator's free lists.
  malloc_trim(0);
#endif
  return embedder;
}

Result<std::unique_ptr<NeuralEmbedder>> NeuralEmbedder::create(UseLiteModelFile file, DenseKernel kernel) {
  auto tokenizer = SentencePieceTokenizer::create(file.vocab);
  if (!tokenizer) return tokenizer.error();
  const std::size_t pieces = file.vocab.size();
  auto weights = use_lite_weights(std::move(file));
  if (!weights) return weights.error();
  if (pieces > weights->vocab_rows) {
    return Error(Errc::invalid_argument, "model file: the vocabulary is larger than the token table");
  }
  auto encoder = UseLiteEncoder::create(*weights, kernel);
  if (!encoder) return encoder.error();
  return std::unique_ptr<NeuralEmbedder>(new NeuralEmbedder(std::move(*tokenizer), std::move(*encoder)));
}

Vector NeuralEmbedder::embed_text(std::string_view text) const { return encoder_->encode(tokenizer_.encode(text)); }

boost::asio::awaitable<Result<std::vector<Vector>>> NeuralEmbedder::embed(std::span<const std::string> texts) {
  std::vector<Vector> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(embed_text(t));
  co_return out;
}

}  // namespace ragcache::embed
