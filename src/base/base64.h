// Standard base64 (RFC 4648, alphabet A-Z a-z 0-9 + /, '=' padding): the token bytes of both
// rank-file formats, and OpenAI's `encoding_format: "base64"` embedding vectors. Decoding is
// strict: a stray character or bad padding is an error, because a silently wrong token or vector
// would give silently wrong results.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ragcache {

// Decodes `text` into `out` (replacing its contents). Returns false if `text` is not valid
// padded-or-unpadded base64; `out` is unspecified then.
bool decode_base64(std::string_view text, std::string& out);

// Padded base64 of `bytes`.
std::string encode_base64(std::string_view bytes);

}  // namespace ragcache
