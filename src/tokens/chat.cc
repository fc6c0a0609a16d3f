#include "tokens/chat.h"

namespace ragcache::tokens {

std::size_t count_chat_tokens(const Encoding& encoding, std::span<const ChatMessage> messages) {
  std::size_t total = kTokensReplyPriming;
  for (const ChatMessage& m : messages) {
    total += kTokensPerMessage + encoding.count(m.role) + encoding.count(m.content);
    if (m.name) total += encoding.count(*m.name) + kTokensPerName;
  }
  return total;
}

}  // namespace ragcache::tokens
