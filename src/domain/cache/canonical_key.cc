#include "domain/cache/canonical_key.h"

#include <algorithm>
#include <cstdint>

#include "base/hash.h"
#include "domain/cache/errors.h"
#include "domain/cache/keys.h"

namespace ragcache::cache {
namespace {

// Bumped whenever the encoding changes, so old entries simply stop matching.
constexpr std::string_view kDomainTag = "ragcache-exact-v1";

void put_field(std::string& out, char tag, std::string_view bytes) {
  out.push_back(tag);
  std::uint64_t n = bytes.size();
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(bytes);
}

void put_count(std::string& out, char tag, std::size_t count) { put_field(out, tag, std::to_string(count)); }

}  // namespace

ChatMessage normalise_message(const ChatMessage& m) {
  ChatMessage out;
  out.role.reserve(m.role.size());
  for (char c : m.role) out.role.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  out.content.reserve(m.content.size());
  for (std::size_t i = 0; i < m.content.size(); ++i) {
    if (m.content[i] == '\r' && i + 1 < m.content.size() && m.content[i + 1] == '\n') continue;
    out.content.push_back(m.content[i]);
  }
  out.name = m.name;
  return out;
}

Result<std::string> canonical_bytes(const CanonicalRequest& request) {
  if (auto ok = validate_namespace(request.ns); !ok) return ok.error();
  if (request.model.empty()) return Error(Errc::invalid_key, "model is empty");
  std::vector<const std::pair<std::string, std::string>*> params;
  params.reserve(request.params.size());
  for (const auto& p : request.params) params.push_back(&p);
  std::sort(params.begin(), params.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (std::size_t i = 1; i < params.size(); ++i) {
    if (params[i]->first == params[i - 1]->first) {
      return Error(Errc::invalid_key, "parameter listed twice: " + params[i]->first);
    }
  }

  std::string out;
  put_field(out, 'V', kDomainTag);
  put_field(out, 'N', request.ns);
  put_field(out, 'T', request.tenant);
  put_field(out, 'M', request.model);
  put_count(out, 'm', request.messages.size());
  for (const auto& raw : request.messages) {
    ChatMessage m = normalise_message(raw);
    put_field(out, 'r', m.role);
    put_field(out, 'c', m.content);
    put_field(out, 'n', m.name);
  }
  put_count(out, 'p', params.size());
  for (const auto* p : params) {
    put_field(out, 'k', p->first);
    put_field(out, 'v', p->second);
  }
  return out;
}

Result<CacheKey> make_cache_key(const CanonicalRequest& request) {
  auto bytes = canonical_bytes(request);
  if (!bytes) return bytes.error();
  CacheKey key;
  key.ns = request.ns;
  key.hash = sha256_hex(*bytes);
  key.canonical = std::move(*bytes);
  return key;
}

}  // namespace ragcache::cache
