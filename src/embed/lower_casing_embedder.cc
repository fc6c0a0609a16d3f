#include "embed/lower_casing_embedder.h"

#include "embed/lower_case.h"

namespace ragcache::embed {

LowerCasingEmbedder::LowerCasingEmbedder(std::unique_ptr<Embedder> inner) : inner_(std::move(inner)) {
  model_id_ = inner_->model_id();
  model_id_ += "+lower";
}

boost::asio::awaitable<Result<std::vector<Vector>>> LowerCasingEmbedder::embed(std::span<const std::string> texts) {
  std::vector<std::string> lowered;
  lowered.reserve(texts.size());
  for (const auto& t : texts) lowered.push_back(lower_case_utf8(t));
  co_return co_await inner_->embed(lowered);
}

}  // namespace ragcache::embed
