// SuppliedVectorEmbedder: for partitions whose vectors come from the caller (native API field
// `vector`), computed by the caller's own model. It embeds no text: embed() answers
// invalid_argument. It checks and normalises what the caller sends, and names the caller's model
// so those vectors are only compared with vectors of the same model.
#pragma once

#include <span>
#include <string>

#include "embed/embedder.h"

namespace ragcache::embed {

class SuppliedVectorEmbedder final : public Embedder {
 public:
  // `model_id`: the caller's name for its model (non-empty); `dimension`: its vector length (> 0).
  static Result<std::unique_ptr<SuppliedVectorEmbedder>> create(std::string model_id, std::size_t dimension);

  // A unit-length copy of a caller's vector. invalid_argument on a wrong length, a NaN/Inf
  // component or an all-zero vector, with a message fit for an API error body.
  Result<Vector> accept(std::span<const float> vector) const;

  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;
  std::size_t dimension() const override { return dimension_; }
  std::string_view model_id() const override { return model_id_; }

 private:
  SuppliedVectorEmbedder(std::string model_id, std::size_t dimension)
      : model_id_(std::move(model_id)), dimension_(dimension) {}
  std::string model_id_;
  std::size_t dimension_;
};

}  // namespace ragcache::embed
