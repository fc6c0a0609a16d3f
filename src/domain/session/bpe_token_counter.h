// The exact counter: a TokenCounter over a BPE encoding of src/tokens/ (cl100k_base, o200k_base),
// and the one function that picks a counter by its configured name.
#pragma once

#include <memory>
#include <string_view>

#include "base/error.h"
#include "domain/session/token_counter.h"
#include "tokens/encoding.h"

namespace ragcache::session {

class BpeTokenCounter final : public TokenCounter {
 public:
  explicit BpeTokenCounter(std::shared_ptr<const tokens::Encoding> encoding) : encoding_(std::move(encoding)) {}
  std::size_t count(std::string_view text) const override { return encoding_->count(text); }
  std::string_view name() const override { return encoding_->name(); }

 private:
  std::shared_ptr<const tokens::Encoding> encoding_;
};

// "estimate" -> the estimate; an encoding name ("cl100k_base", "o200k_base") -> its exact
// counter, loaded once per process (tokens::get_encoding; its errors as they are, e.g. the rank
// file missing, so a misconfigured gateway says so at start-up).
Result<std::shared_ptr<const TokenCounter>> make_token_counter(std::string_view name);

}  // namespace ragcache::session
