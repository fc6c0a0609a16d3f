#include "tokens/model_encoding.h"

#include <gtest/gtest.h>

namespace ragcache::tokens {
namespace {

TEST(ModelEncoding, MapsModelFamiliesToTheirEncoding) {
  for (const auto* m : {"gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4.1-nano", "gpt-4.5-preview",
                        "gpt-5", "gpt-5-mini-2025-08-07", "o1", "o1-preview", "o3-mini", "o4-mini-2025-04-16",
                        "chatgpt-4o-latest", "ft:gpt-4o-mini-2024-07-18:acme::abc123"}) {
    EXPECT_EQ(encoding_for_model(m), "o200k_base") << m;
  }
  for (const auto* m :
       {"gpt-4", "gpt-4-turbo", "gpt-4-0613", "gpt-3.5-turbo", "gpt-35-turbo", "gpt-3.5-turbo-instruct",
        "text-embedding-3-small", "text-embedding-ada-002", "ft:gpt-3.5-turbo-0613:acme::x"}) {
    EXPECT_EQ(encoding_for_model(m), "cl100k_base") << m;
  }
}

TEST(ModelEncoding, UnknownModelsHaveNoEncoding) {
  for (const auto* m :
       {"", "llama-3-70b", "text-davinci-003", "gpt-4ox", "o10", "gpt", "ft:", "mistral-large"}) {
    EXPECT_FALSE(encoding_for_model(m).has_value()) << m;
  }
}

}  // namespace
}  // namespace ragcache::tokens
