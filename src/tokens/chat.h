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
// This is the one chat-overhead formula of ragcache: the session window (domain/session,
// message_tokens) and the gateway's quota estimate build on chat_message_tokens and
// chat_prompt_tokens below, whatever counter they count texts with.
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
// Every valid role (system, user, assistant, tool, developer) is one token in both cl100k_base
// and o200k_base: callers without an encoding at hand charge this for the role.
inline constexpr std::size_t kTokensPerRole = 1;

// One message's cost from the token counts of its parts: framing + role + content, and the name
// with its separator when the message has one.
constexpr std::size_t chat_message_tokens(std::size_t role_tokens, std::size_t content_tokens,
                                          std::optional<std::size_t> name_tokens = std::nullopt) {
  return kTokensPerMessage + role_tokens + content_tokens + (name_tokens ? *name_tokens + kTokensPerName : 0);
}

// A request's prompt: the sum of its messages' costs plus the reply priming.
constexpr std::size_t chat_prompt_tokens(std::size_t messages_tokens) { return messages_tokens + kTokensReplyPriming; }

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", "tool", ...
  std::string content;
  std::optional<std::string> name;  // the optional participant name
};

std::size_t count_chat_tokens(const Encoding& encoding, std::span<const ChatMessage> messages);

}  // namespace ragcache::tokens
