#include "domain/session/token_counter.h"

#include <boost/json/serialize.hpp>

namespace ragcache::session {

std::size_t EstimateTokenCounter::count(std::string_view text) const {
  std::size_t tokens = 0;
  std::size_t ascii_run = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++ascii_run;
      ++i;
      continue;
    }
    tokens += (ascii_run + 3) / 4;
    ascii_run = 0;
    // The length of this UTF-8 sequence from its lead byte; a stray continuation byte or a
    // truncated sequence advances by one byte (and still counts one token).
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    std::size_t j = 1;
    while (j < len && i + j < text.size() && (static_cast<unsigned char>(text[i + j]) & 0xC0) == 0x80) ++j;
    i += j;
    ++tokens;
  }
  return tokens + (ascii_run + 3) / 4;
}

std::shared_ptr<const TokenCounter> estimate_token_counter() {
  static const auto instance = std::make_shared<const EstimateTokenCounter>();
  return instance;
}

std::size_t message_tokens(const TokenCounter& counter, const Message& m) {
  std::optional<std::size_t> name;
  if (m.name) name = counter.count(*m.name);
  std::size_t n = tokens::chat_message_tokens(kTokensPerRole, m.content_tokens ? *m.content_tokens : counter.count(m.content), name);
  if (m.tool_call_id) n += counter.count(*m.tool_call_id);
  if (m.tool_calls) n += counter.count(boost::json::serialize(*m.tool_calls));
  return n;
}

}  // namespace ragcache::session
