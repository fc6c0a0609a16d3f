#include "gateway/dashboard/assets.h"

#include <array>
#include <utility>

#include "base/hash.h"
#include "ragcache/embedded_dashboard_web.h"

namespace ragcache::dashboard {

std::string content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (file_name.size() > ext.size() && file_name.ends_with(ext)) return std::string(type);
  }
  return "application/octet-stream";
}

std::string etag_of(std::string_view body) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "\"" + std::string.
  std::string tag;
  tag.reserve(34);
  tag += '"';
  tag += std::string_view(sha256_hex(body)).substr(0, 32);
  tag += '"';
  return tag;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  // RFC 9110 13.1.2: a comma-separated list compared weakly (W/ ignored), or "*".
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', pos);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view tag = if_none_match.substr(pos, end - pos);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (!tag.empty() && tag == etag) return true;
    pos = end + 1;
  }
  return false;
}

AssetTable::AssetTable(std::span<const SourceFile> files) {
  assets_.reserve(files.size());
  for (const auto& f : files) {
    assets_.push_back(Asset{std::string(f.name), content_type_for(f.name), etag_of(f.text), f.text});
  }
}

const Asset* AssetTable::find(std::string_view name) const {
  if (name.empty() || name.find('/') != std::string_view::npos) return nullptr;
  for (const auto& a : assets_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const AssetTable& embedded_assets() {
  static const AssetTable table = [] {
    std::vector<SourceFile> files;
    for (const auto& f : embedded::dashboard_web_files) files.push_back({f.name, f.text});
    return AssetTable(files);
  }();
  return table;
}

}  // namespace ragcache::dashboard
