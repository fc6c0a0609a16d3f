// Which encoding an OpenAI model name uses, for callers that know the model of a request but not
// its tokenizer (the gateway's token budgets). Facts from OpenAI's tiktoken model table:
// GPT-4o / 4.1 / 4.5 / 5 and the o-series use o200k_base; GPT-4, GPT-3.5 and the
// text-embedding-3 / ada-002 embedders use cl100k_base. Fine-tuned names ("ft:gpt-4o-mini:org::id")
// follow their base model. A name matches a family when it equals it or continues with '-'.
#pragma once

#include <optional>
#include <string_view>

namespace ragcache::tokens {

// "o200k_base", "cl100k_base", or nullopt for a model this table does not know (older GPT-3
// models use encodings we do not ship; non-OpenAI models have their own tokenizers).
std::optional<std::string_view> encoding_for_model(std::string_view model);

}  // namespace ragcache::tokens
