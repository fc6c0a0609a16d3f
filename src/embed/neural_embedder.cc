#include "embed/neural_embedder.h"

namespace ragcache::embed {

Result<std::unique_ptr<NeuralEmbedder>> NeuralEmbedder::load(const std::string& path, DenseKernel kernel) {
  auto file = read_use_lite_model_file(path);
  if (!file) return file.error();
  auto embedder = create(*file, kernel);
  if (!embedder) return Error(embedder.error().code, path + ": " + embedder.error().detail);
  return embedder;
}

Result<std::unique_ptr<NeuralEmbedder>> NeuralEmbedder::create(const UseLiteModelFile& file, DenseKernel kernel) {
  auto weights = use_lite_weights(file);
  if (!weights) return weights.error();
  if (file.vocab.size() > weights->vocab_rows) {
    return Error(Errc::invalid_argument, "model file: the vocabulary is larger than the token table");
  }
  auto tokenizer = SentencePieceTokenizer::create(file.vocab);
  if (!tokenizer) return tokenizer.error();
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
