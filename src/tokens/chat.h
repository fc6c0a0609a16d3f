// Token count of a chat message list, the way OpenAI's cookbook estimates the prompt tokens of a
// chat completion request ("How to count tokens with tiktoken", num_tokens_from_messages, for the
// gpt-3.5-turbo-0613 / gpt-4 / gpt-4o family):
//
//   every message costs 3 tokens of framing (<|start|>{role}<|message|> ... <|end|>)
//     + the tokens of its role + the tokens of its content
//     + if it has a name: the tokens of the name + 1
//   and the whole list costs 3 more for priming the reply (<|start|>assistant<|message|>).
//
// So an empty list counts 3. Texts are counted as plain text (special-token text included).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "tokens/encoding.h"

namespace ragcache::tokens {

inline constexpr std::size_t kTokensPerMessage = 3;
inline constexpr std::size_t kTokensPerName = 1;
inline constexpr std::size_t kTokensReplyPriming = 3;

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", "tool", ...
  std::string content;
  std::optional<std::string> name;  // the optional participant name
};

std::size_t count_chat_tokens(const Encoding& encoding, std::span<const ChatMessage> messages);

}  // namespace ragcache::tokens
