#include "embed/hashed_ngram_embedder.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "base/hash.h"

namespace ragcache::embed {
namespace {

// FNV-1a over the key, then a SplitMix64 finaliser for well-mixed high bits. Fixed forever:
// changing it changes every vector (and must change the model id).
std::uint64_t hash_key(std::string_view key) {
  std::uint64_t h = fnv1a_64(key);
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

struct Accumulated {
  float weight_sum = 0.0f;
  int count = 0;
};

}  // namespace

Result<std::unique_ptr<HashedNgramEmbedder>> HashedNgramEmbedder::create(const HashedNgramOptions& options) {
  if (options.dimension < 16 || options.dimension > 65536) {
    return Error(Errc::invalid_argument, "embedder dimension must be within [16, 65536]");
  }
  const float shares[] = {options.word_share, options.phrase_share, options.chars_share, options.pairs_share};
  float total = 0.0f;
  for (float s : shares) {
    if (!std::isfinite(s) || s < 0.0f) return Error(Errc::invalid_argument, "embedder family shares must be >= 0");
    total += s;
  }
  if (total <= 0.0f) return Error(Errc::invalid_argument, "embedder family shares are all zero");
  return std::unique_ptr<HashedNgramEmbedder>(new HashedNgramEmbedder(options));
}

namespace {

// Every setting that changes vectors, as text: equal strings, comparable vectors.
std::string settings_fingerprint(const HashedNgramOptions& o) {
  const auto& w = o.weights;
  std::string s;
  for (float v : {o.word_share, o.phrase_share, o.chars_share, o.pairs_share, w.content_word, w.short_word,
                  w.stop_word, w.question_word, w.number, w.alphanumeric, w.negation, w.symbol, w.cjk_char,
                  w.cjk_stop_char, w.cjk_bigram, w.relation}) {
    s += std::to_string(v);
    s += ',';
  }
  s += std::to_string(w.pair_window);
  return s;
}

std::string make_model_id(const HashedNgramOptions& options) {
  std::string id = "ragcache-hashed-ngram-v1-" + std::to_string(options.dimension);
  HashedNgramOptions defaults;
  defaults.dimension = options.dimension;
  const std::string mine = settings_fingerprint(options);
  if (mine != settings_fingerprint(defaults)) {
    // Non-default weights: a distinct model, so its vectors never meet the default's.
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "-%08llx", static_cast<unsigned long long>(hash_key(mine) >> 32));
    id += suffix;
  }
  return id;
}

}  // namespace

HashedNgramEmbedder::HashedNgramEmbedder(const HashedNgramOptions& options)
    : options_(options), model_id_(make_model_id(options)) {}

Vector HashedNgramEmbedder::embed_text(std::string_view text) const {
  const std::size_t dim = options_.dimension;
  std::array<std::unordered_map<std::string, Accumulated>, kFeatureFamilyCount> counts;
  for (auto& f : extract_features(text, options_.weights)) {
    auto& a = counts[static_cast<std::size_t>(f.family)][std::move(f.key)];
    a.weight_sum += f.weight;
    ++a.count;
  }
  const float shares[kFeatureFamilyCount] = {options_.word_share, options_.phrase_share, options_.chars_share,
                                             options_.pairs_share};
  float share_total = 0.0f;
  for (float s : shares) share_total += s;

  Vector out(dim, 0.0f);
  Vector family(dim);
  for (std::size_t f = 0; f < kFeatureFamilyCount; ++f) {
    if (counts[f].empty() || shares[f] <= 0.0f) continue;
    std::fill(family.begin(), family.end(), 0.0f);
    for (const auto& [key, a] : counts[f]) {
      const float tf = 1.0f + std::log(static_cast<float>(a.count));  // sublinear: repeats add little
      const float value = (a.weight_sum / static_cast<float>(a.count)) * tf;
      const std::uint64_t h = hash_key(key);
      const std::size_t bucket = static_cast<std::size_t>(((h >> 32) * dim) >> 32);
      family[bucket] += (h & 1) ? value : -value;
    }
    double norm2 = 0.0;
    for (float x : family) norm2 += static_cast<double>(x) * x;
    if (norm2 <= 0.0) continue;  // every feature cancelled out in collisions: practically never
    const auto scale = static_cast<float>(std::sqrt(shares[f] / share_total) / std::sqrt(norm2));
    for (std::size_t i = 0; i < dim; ++i) out[i] += family[i] * scale;
  }
  double norm2 = 0.0;
  for (float x : out) norm2 += static_cast<double>(x) * x;
  if (norm2 <= 0.0) {
    // Cannot happen with a non-empty feature list unless all features collide and cancel; keep
    // a valid unit vector anyway (a deterministic bucket of the raw text).
    out[static_cast<std::size_t>(((hash_key(text) >> 32) * dim) >> 32)] = 1.0f;
    return out;
  }
  const auto inv = static_cast<float>(1.0 / std::sqrt(norm2));
  for (float& x : out) x *= inv;
  return out;
}

boost::asio::awaitable<Result<std::vector<Vector>>> HashedNgramEmbedder::embed(std::span<const std::string> texts) {
  std::vector<Vector> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(embed_text(t));
  co_return out;
}

}  // namespace ragcache::embed
