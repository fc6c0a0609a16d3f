#include "app/builtin_embedder.h"

#include "embed/hashed_ngram_embedder.h"
#include "embed/lower_casing_embedder.h"
#include "embed/neural_embedder.h"

namespace ragcache::app {
namespace {

Result<BuiltinSemantic> lexical() {
  auto e = embed::HashedNgramEmbedder::create();
  if (!e) return e.error();
  BuiltinSemantic out;
  out.description = "lexical (" + std::string((*e)->model_id()) + ", cosine)";
  out.embedder = std::move(*e);
  out.default_threshold = embed::kHashedNgramDefaultThreshold;
  return out;
}

}  // namespace

std::string default_neural_model_path(const std::string& data_dir) {
  return data_dir + "/models/" + std::string(embed::kUseLiteModelFileName);
}

Result<BuiltinSemantic> make_builtin_semantic(std::string_view choice, const std::string& model_path) {
  if (choice == "lexical") return lexical();
  if (choice != "builtin" && choice != "neural") {
    return Error(Errc::invalid_argument, "unknown built-in embedder '" + std::string(choice) + "'");
  }
  auto neural = embed::NeuralEmbedder::load(model_path);
  if (!neural && choice == "neural") return neural.error();
  if (!neural) {
    auto fallback = lexical();
    if (!fallback) return fallback.error();
    fallback->fallback = "no usable neural model (" + neural.error().detail +
                         "): the semantic cache uses the lexical embedder; run scripts/fetch_model.sh or set --neural-model";
    return fallback;
  }
  BuiltinSemantic out;
  const std::string kernel(embed::kernel_name((*neural)->kernel()));
  // Questions reach the encoder in lower case (lower_casing_embedder.h): the encoder alone
  // separates "France" from "france".
  out.embedder = std::make_unique<embed::LowerCasingEmbedder>(std::move(*neural));
  if (choice == "neural") {
    out.default_threshold = embed::kNeuralDefaultThreshold;
    out.description = "neural (" + std::string(out.embedder->model_id()) + ", " + kernel + " kernel, cosine)";
    return out;
  }
  auto rule = embed::HitRule::create();
  if (!rule) return rule.error();
  out.rule = std::move(*rule);
  out.default_threshold = embed::kBuiltinRuleDefaultThreshold;
  out.description = "builtin (" + std::string(out.embedder->model_id()) + ", " + kernel +
                    " kernel, with the lexical cosine at weight 0.1 and numbers/negation/names/opposites guards)";
  return out;
}

}  // namespace ragcache::app
