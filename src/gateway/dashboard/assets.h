// The dashboard's static files (web/*, embedded at build time) as HTTP resources.
//
// Each asset carries what a response needs: its Content-Type (from the file extension) and a
// strong ETag (a hash of its bytes), so a browser revalidates with If-None-Match and gets a 304
// instead of the body. Lookups are pure and need no I/O: the table is built once from the
// embedded files and never changes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::dashboard {

struct Asset {
  std::string name;          // file name, e.g. "app.js"
  std::string content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string etag;          // quoted, e.g. "\"3f2a...\""
  std::string_view body;     // the embedded bytes (static storage)
};

// One named text file (what cmake/embed_text.cmake produces).
struct SourceFile {
  std::string_view name;
  std::string_view text;
};

// Content-Type for a file name by its extension; application/octet-stream when unknown.
std::string content_type_for(std::string_view file_name);
// Strong ETag of a body: a quoted prefix of its SHA-256.
std::string etag_of(std::string_view body);
// Whether an If-None-Match header value (a list of tags, W/ prefixes, or *) matches `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

class AssetTable {
 public:
  explicit AssetTable(std::span<const SourceFile> files);
  // The asset with this file name; nullptr when there is none (no path separators allowed).
  const Asset* find(std::string_view name) const;
  const std::vector<Asset>& all() const { return assets_; }

 private:
  std::vector<Asset> assets_;
};

// The embedded dashboard files (web/*).
const AssetTable& embedded_assets();

}  // namespace ragcache::dashboard
