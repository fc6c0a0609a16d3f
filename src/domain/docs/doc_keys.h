// Key names of the document registry and the answer-to-source links. All keys of one document
// share the hash tag {id}: doc:{id} (Hash), lock:doc:{id} (ingest lock), doc:{id}:answers (Set of
// answer keys that cited it) and doc:{id}:stale (answer keys waiting to be unlinked).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache::docs {

struct DocKeyPrefixes {
  std::string doc = "doc:";
  std::string lock = "lock:doc:";
};

struct DocKeys {
  std::string doc;
  std::string lock;
  std::string answers;
  std::string stale;
};

DocKeys doc_keys(const DocKeyPrefixes& prefixes, std::string_view doc_id);

// Document ids become hash tags: non-empty, <= 256 bytes, no braces, no control characters.
Result<void> validate_doc_id(std::string_view doc_id);
// 64 hex digits; returned lower-cased.
Result<std::string> normalize_sha256(std::string_view hex);
// The X-Source-Docs header (or the native field joined by commas): "id1, id2" -> {"id1","id2"},
// trimmed, duplicates dropped, at most max_ids ids, each a valid doc id.
Result<std::vector<std::string>> parse_source_docs(std::string_view header, std::size_t max_ids = 64);

}  // namespace ragcache::docs
