#include "domain/docs/doc_keys.h"

#include <algorithm>

namespace ragcache::docs {
namespace {

Error bad(std::string what) { return Error(ragcache::Errc::invalid_argument, std::move(what)); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

DocKeys doc_keys(const DocKeyPrefixes& prefixes, std::string_view doc_id) {
  // Appended piece by piece: GCC 12 warns falsely (-Wstringop-overflow) about `"{" + std::string`.
  std::string tagged = "{";
  tagged.append(doc_id).append("}");
  return DocKeys{prefixes.doc + tagged, prefixes.lock + tagged, prefixes.doc + tagged + ":answers",
                 prefixes.doc + tagged + ":stale"};
}

Result<void> validate_doc_id(std::string_view doc_id) {
  if (doc_id.empty()) return bad("empty document id");
  if (doc_id.size() > 256) return bad("document id longer than 256 bytes");
  for (unsigned char c : doc_id) {
    if (c == '{' || c == '}') return bad("document id contains a brace");
    if (c < 0x20 || c == 0x7f) return bad("document id contains a control character");
  }
  return {};
}

Result<std::string> normalize_sha256(std::string_view hex) {
  if (hex.size() != 64) return bad("content_sha256 must be 64 hex digits");
  std::string out(hex);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad("content_sha256 must be 64 hex digits");
  }
  return out;
}

Result<std::vector<std::string>> parse_source_docs(std::string_view header, std::size_t max_ids) {
  std::vector<std::string> ids;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view part = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (part.empty()) continue;
    if (auto v = validate_doc_id(part); !v) return v.error();
    if (std::find(ids.begin(), ids.end(), part) != ids.end()) continue;
    if (ids.size() == max_ids) return bad("more than " + std::to_string(max_ids) + " source documents");
    ids.emplace_back(part);
  }
  return ids;
}

}  // namespace ragcache::docs
