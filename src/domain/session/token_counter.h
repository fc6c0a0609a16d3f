// How a session counts the tokens of a message.
//
// A message costs what the OpenAI chat format charges for it (tokens/chat.h, the one formula:
// OpenAI cookbook, num_tokens_from_messages, the gpt-3.5-turbo-0613 / gpt-4 / gpt-4o family):
//   3 tokens of framing + tokens(role) + tokens(content) [+ tokens(name) + 1 if it has a name]
// (the 3 tokens that prime the reply belong to a request, not to a message, so they are not here).
// tool_call_id and tool_calls are counted as plain text of their JSON, an estimate: OpenAI does not
// publish how it renders them.
//
// The text counter behind it is an interface: the exact BPE counter of src/tokens/ (for the
// configured encoding) plugs in as a TokenCounter; EstimateTokenCounter is the fallback that
// needs no rank file. A caller that already knows a content's count (usage.completion_tokens of
// an answer) passes it in Message::content_tokens and no text of the content is counted.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "domain/session/message.h"
#include "tokens/chat.h"

namespace ragcache::session {

// Every valid role is one token in both encodings, so the role is not run through the counter.
using tokens::kTokensPerMessage;
using tokens::kTokensPerName;
using tokens::kTokensPerRole;

// Counts the tokens of a text. Implementations are immutable and thread-safe.
class TokenCounter {
 public:
  virtual ~TokenCounter() = default;
  virtual std::size_t count(std::string_view text) const = 0;
  // A name for logs and docs, e.g. "estimate" or "cl100k_base".
  virtual std::string_view name() const = 0;
};

// A documented estimate, used until an exact counter is plugged in:
//  - every run of up to 4 ASCII bytes counts 1 token (OpenAI's "about 4 characters per token" for
//    English), rounded up per run of ASCII;
//  - every non-ASCII code point counts 1 token (CJK text is close to one token per character;
//    accented Latin is over-counted, which errs on the safe side of a budget);
//  - a malformed UTF-8 byte counts 1 token.
// The empty text counts 0.
class EstimateTokenCounter final : public TokenCounter {
 public:
  std::size_t count(std::string_view text) const override;
  std::string_view name() const override { return "estimate"; }
};

// The process-wide estimate counter (stateless).
std::shared_ptr<const TokenCounter> estimate_token_counter();

// The window cost of a message, as described at the top of this file.
std::size_t message_tokens(const TokenCounter& counter, const Message& m);

}  // namespace ragcache::session
