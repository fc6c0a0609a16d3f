#include "domain/session/bpe_token_counter.h"

#include "tokens/registry.h"

namespace ragcache::session {

Result<std::shared_ptr<const TokenCounter>> make_token_counter(std::string_view name) {
  if (name == "estimate") return estimate_token_counter();
  auto encoding = tokens::get_encoding(name);
  if (!encoding) return encoding.error();
  return std::shared_ptr<const TokenCounter>(std::make_shared<const BpeTokenCounter>(std::move(*encoding)));
}

}  // namespace ragcache::session
