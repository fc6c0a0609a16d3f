#include "tokens/model_encoding.h"

#include <array>
#include <utility>

namespace ragcache::tokens {
namespace {

constexpr std::string_view kO200k = "o200k_base";
constexpr std::string_view kCl100k = "cl100k_base";

// Families in match order; a family matches "family" and "family-...".
constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kFamilies = {{
    {"gpt-4o", kO200k},
    {"gpt-4.1", kO200k},
    {"gpt-4.5", kO200k},
    {"gpt-5", kO200k},
    {"chatgpt-4o", kO200k},
    {"o1", kO200k},
    {"o3", kO200k},
    {"o4", kO200k},
    {"gpt-4", kCl100k},
    {"gpt-3.5", kCl100k},
    {"gpt-35", kCl100k},
    {"text-embedding-ada-002", kCl100k},
    {"text-embedding-3", kCl100k},
    {"davinci-002", kCl100k},
    {"babbage-002", kCl100k},
}};

bool in_family(std::string_view model, std::string_view family) {
  if (!model.starts_with(family)) return false;
  return model.size() == family.size() || model[family.size()] == '-';
}

}  // namespace

std::optional<std::string_view> encoding_for_model(std::string_view model) {
  if (model.starts_with("ft:")) {
    model.remove_prefix(3);
    model = model.substr(0, model.find(':'));
  }
  for (const auto& [family, encoding] : kFamilies) {
    if (in_family(model, family)) return encoding;
  }
  return std::nullopt;
}

}  // namespace ragcache::tokens
