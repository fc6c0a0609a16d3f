// Standard base64 (RFC 4648, alphabet A-Z a-z 0-9 + /, '=' padding) decoding, as used for the
// token bytes in both rank-file formats. Strict: a stray character or bad padding is an error,
// because a silently wrong token would give silently wrong counts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ragcache::tokens {

// Decodes `text` into `out` (replacing its contents). Returns false if `text` is not valid
// padded-or-unpadded base64; `out` is unspecified then.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace ragcache::tokens
