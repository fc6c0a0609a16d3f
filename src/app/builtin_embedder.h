// The semantic cache's built-in embedders and decision rules, chosen the same way by `serve` and
// `eval-semantic` (so the evaluation scores exactly what the gateway does):
//   builtin - the default: neural vectors (USE-lite, embed/neural_embedder.h) and the built-in
//             rule (embed/hit_rule.h: neural and lexical cosines weighed, numbers/negation/names
//             guards), threshold 0.935. Without a loadable model file: the lexical embedder
//             alone, with `fallback` saying why (the gateway logs it at start-up);
//   lexical - the hashed n-gram embedder, cosine alone, threshold 0.90;
//   neural  - the neural embedder, cosine alone, threshold 0.975; the model file must load.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "embed/embedder.h"
#include "embed/hit_rule.h"

namespace ragcache::app {

struct BuiltinSemantic {
  std::unique_ptr<embed::Embedder> embedder = {};
  std::shared_ptr<const embed::HitRule> rule = {};  // null: the cosine alone decides
  float default_threshold = 0.0f;
  std::string description;  // what is in use, for logs and reports
  std::string fallback = {};  // builtin only: why the lexical embedder is used (empty: it is not)
};

// <data_dir>/models/use-lite-en-0.2.0.bin: where scripts/fetch_model.sh puts the model.
std::string default_neural_model_path(const std::string& data_dir);

// `choice`: builtin | lexical | neural. Errors: invalid_argument for another choice; for
// neural, the model file's error (unavailable when missing, invalid_argument when corrupt).
Result<BuiltinSemantic> make_builtin_semantic(std::string_view choice, const std::string& model_path);

}  // namespace ragcache::app
