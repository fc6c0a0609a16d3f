// LowerCasingEmbedder: another embedder, fed every text in lower case (lower_case.h). The
// built-in neural embedder runs behind it: the encoder itself stays equal to its TensorFlow.js
// reference on any text, and the cache does not tell "Paris" from "paris" (measured on the dev
// pairs: the default rule's Quora recall up at every false-hit rate, medical at 1-2 %, a little
// down at 5 %; README "Built-in embedders").
// Its model id is the inner one's + "+lower": vectors of the two are never compared.
#pragma once

#include <memory>
#include <string>

#include "embed/embedder.h"

namespace ragcache::embed {

class LowerCasingEmbedder final : public Embedder {
 public:
  explicit LowerCasingEmbedder(std::unique_ptr<Embedder> inner);

  boost::asio::awaitable<Result<std::vector<Vector>>> embed(std::span<const std::string> texts) override;
  std::size_t dimension() const override { return inner_->dimension(); }
  std::string_view model_id() const override { return model_id_; }

 private:
  std::unique_ptr<Embedder> inner_;
  std::string model_id_;
};

}  // namespace ragcache::embed
