#include "tokens/chat.h"

namespace ragcache::tokens {

std::size_t count_chat_tokens(const Encoding& encoding, std::span<const ChatMessage> messages) {
  std::size_t total = 0;
  for (const ChatMessage& m : messages) {
    std::optional<std::size_t> name;
    if (m.name) name = encoding.count(*m.name);
    total += chat_message_tokens(encoding.count(m.role), encoding.count(m.content), name);
  }
  return chat_prompt_tokens(total);
}

}  // namespace ragcache::tokens
