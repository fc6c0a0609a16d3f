#include "embed/supplied_vector_embedder.h"

#include <cmath>

namespace ragcache::embed {

Result<std::unique_ptr<SuppliedVectorEmbedder>> SuppliedVectorEmbedder::create(std::string model_id,
                                                                               std::size_t dimension) {
  if (model_id.empty()) return Error(Errc::invalid_argument, "a supplied-vector model needs a name");
  if (dimension == 0) return Error(Errc::invalid_argument, "a supplied-vector model needs a dimension > 0");
  return std::unique_ptr<SuppliedVectorEmbedder>(new SuppliedVectorEmbedder(std::move(model_id), dimension));
}

Result<Vector> SuppliedVectorEmbedder::accept(std::span<const float> vector) const {
  if (vector.size() != dimension_) {
    return Error(Errc::invalid_argument, "vector for model '" + model_id_ + "' must have " +
                                             std::to_string(dimension_) + " components, got " +
                                             std::to_string(vector.size()));
  }
  double norm2 = 0.0;
  for (float x : vector) {
    if (!std::isfinite(x)) return Error(Errc::invalid_argument, "vector has a NaN or infinite component");
    norm2 += static_cast<double>(x) * x;
  }
  if (norm2 <= 0.0) return Error(Errc::invalid_argument, "vector is all zeros");
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm2));
  Vector out(vector.begin(), vector.end());
  for (float& x : out) x *= inv;
  return out;
}

boost::asio::awaitable<Result<std::vector<Vector>>> SuppliedVectorEmbedder::embed(std::span<const std::string>) {
  co_return Error(Errc::invalid_argument,
                  "model '" + model_id_ + "' does not embed text: send the vector with the request");
}

}  // namespace ragcache::embed
