#include "index/similarity_threshold.h"

#include <cmath>

namespace ragcache::index {
namespace {

Result<void> check(float t) {
  if (!std::isfinite(t) || t < -1.0f || t > 1.0f) {
    return Error(Errc::invalid_argument, "similarity threshold must be within [-1, 1]");
  }
  return {};
}

}  // namespace

Result<SimilarityThresholds> SimilarityThresholds::create(float default_threshold) {
  if (auto ok = check(default_threshold); !ok) return ok.error();
  return SimilarityThresholds(default_threshold);
}

Result<void> SimilarityThresholds::set_for_namespace(std::string name_space, float threshold) {
  if (auto ok = check(threshold); !ok) return ok;
  per_namespace_[std::move(name_space)] = threshold;
  return {};
}

Result<float> SimilarityThresholds::resolve(std::string_view name_space,
                                            std::optional<float> per_call) const {
  if (per_call) {
    if (auto ok = check(*per_call); !ok) return ok.error();
    return *per_call;
  }
  if (auto it = per_namespace_.find(std::string(name_space)); it != per_namespace_.end()) {
    return it->second;
  }
  return default_;
}

}  // namespace ragcache::index
