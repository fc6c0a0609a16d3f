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

void put_header(std::string& out, char tag, std::uint64_t n) {
  char head[9];
  head[0] = tag;
  for (int i = 0; i < 8; ++i) head[1 + i] = static_cast<char>((n >> (56 - 8 * i)) & 0xff);
  out.append(head, sizeof head);
}

void put_field(std::string& out, char tag, std::string_view bytes) {
  put_header(out, tag, bytes.size());
  out.append(bytes);
}

// The two normalisations (normalise_message): ASCII lower case, and CRLF -> LF.
void append_lower(std::string& out, std::string_view s) {
  for (char c : s) out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
}

bool is_crlf_at(std::string_view s, std::size_t i) { return s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n'; }

void append_lf(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_crlf_at(s, i)) out.push_back(s[i]);
  }
}

// The fields of normalise_message(m), written straight from m (no copy of the message).
void put_normalised_message(std::string& out, const ChatMessage& m) {
  put_header(out, 'r', m.role.size());
  append_lower(out, m.role);
  std::size_t crlf = 0;
  for (std::size_t i = 0; i < m.content.size(); ++i) crlf += is_crlf_at(m.content, i);
  put_header(out, 'c', m.content.size() - crlf);
  if (crlf == 0) {
    out.append(m.content);
  } else {
    append_lf(out, m.content);
  }
  put_field(out, 'n', m.name);
}

void put_count(std::string& out, char tag, std::size_t count) { put_field(out, tag, std::to_string(count)); }

}  // namespace

ChatMessage normalise_message(const ChatMessage& m) {
  ChatMessage out;
  out.role.reserve(m.role.size());
  append_lower(out.role, m.role);
  out.content.reserve(m.content.size());
  append_lf(out.content, m.content);
  out.name = m.name;
  return out;
}

namespace {

using Param = std::pair<std::string, std::string>;

// The parameters by name; an error if a name comes twice.
Result<std::vector<const Param*>> sorted_params(const std::vector<Param>& given) {
  std::vector<const Param*> params;
  params.reserve(given.size());
  for (const auto& p : given) params.push_back(&p);
  std::sort(params.begin(), params.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (std::size_t i = 1; i < params.size(); ++i) {
    if (params[i]->first == params[i - 1]->first) {
      return Error(Errc::invalid_key, "parameter listed twice: " + params[i]->first);
    }
  }
  return params;
}

}  // namespace

Result<void> validate_key_inputs(std::string_view ns, std::string_view model, const std::vector<Param>& params) {
  if (auto ok = validate_namespace(ns); !ok) return ok.error();
  if (model.empty()) return Error(Errc::invalid_key, "model is empty");
  if (auto sorted = sorted_params(params); !sorted) return sorted.error();
  return Result<void>();
}

Result<std::string> canonical_bytes(const CanonicalRequest& request) {
  if (auto ok = validate_namespace(request.ns); !ok) return ok.error();
  if (request.model.empty()) return Error(Errc::invalid_key, "model is empty");
  auto sorted = sorted_params(request.params);
  if (!sorted) return sorted.error();
  const auto& params = *sorted;

  std::size_t size = 9 * (6 + 3 * request.messages.size() + 2 * params.size()) + 40 + kDomainTag.size() +
                     request.ns.size() + request.tenant.size() + request.model.size();
  for (const auto& m : request.messages) size += m.role.size() + m.content.size() + m.name.size();
  for (const auto* p : params) size += p->first.size() + p->second.size();
  std::string out;
  out.reserve(size);
  put_field(out, 'V', kDomainTag);
  put_field(out, 'N', request.ns);
  put_field(out, 'T', request.tenant);
  put_field(out, 'M', request.model);
  put_count(out, 'm', request.messages.size());
  for (const auto& m : request.messages) put_normalised_message(out, m);
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
