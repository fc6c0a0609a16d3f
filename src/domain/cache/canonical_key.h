// The canonical key of an exact-cache entry: which requests may share one answer.
//
// Two requests share an answer only when everything that changes the model's output is equal:
// namespace, tenant, model, the normalised messages and every generation parameter the caller
// lists. Each field is written as <tag byte><u64 big-endian length><bytes>, never concatenated
// plainly, so ("ab","c") and ("a","bc") encode differently; parameters are sorted by name so their
// order in the request does not matter. The key is the SHA-256 (hex) of those canonical bytes,
// and the stored entry keeps the bytes so a hit is verified exactly (a hash collision can never
// serve a wrong answer).
//
// Pure functions: no I/O, unit-tested in canonical_key_test.cc.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ragcache::cache {

struct ChatMessage {
  std::string role;     // "system", "user", "assistant", "tool", ... (compared case-insensitively)
  std::string content;  // the text as the model sees it (CRLF and LF are treated as equal)
  std::string name;     // optional participant / tool-call name; empty when absent
};

struct CanonicalRequest {
  std::string ns;      // cache namespace (X-Cache-Namespace); "" = default
  std::string tenant;  // hash of the API key, or a shared tenant name
  std::string model;
  std::vector<ChatMessage> messages;
  // Every parameter that changes the output (temperature, top_p, max_tokens, stop, seed, tools,
  // response_format, ...) as name -> canonical text (e.g. compact JSON). Names must be unique.
  std::vector<std::pair<std::string, std::string>> params;
};

// What identifies one cached answer.
struct CacheKey {
  std::string ns;         // namespace, part of the Redis key name (for namespace invalidation)
  std::string hash;       // 64 hex digits: SHA-256 of canonical
  std::string canonical;  // the canonical bytes, stored with the entry to verify hits exactly
};

// Messages as the cache compares them: role lower-cased, CRLF -> LF in content.
ChatMessage normalise_message(const ChatMessage& m);

// What makes a request unfit for a key (invalid namespace, empty model, a parameter named twice),
// checked without encoding anything: a request that skips the key (no-store) gets the same 400.
Result<void> validate_key_inputs(std::string_view ns, std::string_view model,
                                 const std::vector<std::pair<std::string, std::string>>& params);

// The length-prefixed canonical encoding (messages normalised here).
Result<std::string> canonical_bytes(const CanonicalRequest& request);

// canonical_bytes + SHA-256. Errors: empty model, invalid namespace, duplicate parameter names.
Result<CacheKey> make_cache_key(const CanonicalRequest& request);

}  // namespace ragcache::cache
