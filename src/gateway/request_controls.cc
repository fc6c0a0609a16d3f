#include "gateway/request_controls.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "domain/docs/doc_keys.h"

namespace ragcache::gateway {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool all_of_set(std::string_view s, std::string_view extra) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

}  // namespace

std::optional<Namespace> parse_namespace(std::string_view header) {
  if (header.empty() || header.size() > 64 || !all_of_set(header, "_.-")) return std::nullopt;
  return Namespace{std::string(header)};
}

std::optional<SessionId> parse_session_id(std::string_view header) {
  if (header.empty() || header.size() > 128 || !all_of_set(header, "_.:-")) return std::nullopt;
  return SessionId{std::string(header)};
}

std::optional<float> parse_similarity_threshold(std::string_view header) {
  header = trim(header);
  if (header.empty() || header.size() > 16) return std::nullopt;
  float value = 0.0f;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), value);
  if (ec != std::errc() || end != header.data() + header.size()) return std::nullopt;
  if (!std::isfinite(value) || value < 0.0f || value > 1.0f) return std::nullopt;
  return value;
}

std::optional<std::string_view> parse_resolved_query(std::string_view header) {
  header = trim(header);
  if (header.empty() || header.size() > kMaxResolvedQueryBytes) return std::nullopt;
  for (char c : header) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::nullopt;
  }
  return header;
}

CacheControl parse_cache_control(std::string_view header) {
  CacheControl cc;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string token(trim(header.substr(0, comma)));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    for (auto& c : token) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (token == "no-cache") cc.no_cache = true;
    if (token == "no-store") cc.no_store = true;
  }
  return cc;
}

float effective_threshold(float operator_threshold, std::optional<float> requested) {
  return requested ? std::max(operator_threshold, *requested) : operator_threshold;
}

boost::system::result<RequestControls, http::ApiError> parse_request_controls(const http::Request& req) {
  RequestControls rc;
  if (req.has_header("X-Cache-Namespace")) {
    auto ns = parse_namespace(req.header("X-Cache-Namespace"));
    if (!ns) {
      return http::invalid_request("X-Cache-Namespace must be 1-64 characters of [A-Za-z0-9_.-]", "X-Cache-Namespace");
    }
    rc.name_space = std::move(*ns);
  }
  if (req.has_header("X-Session-Id")) {
    auto sid = parse_session_id(req.header("X-Session-Id"));
    if (!sid) return http::invalid_request("X-Session-Id must be 1-128 characters of [A-Za-z0-9_.:-]", "X-Session-Id");
    rc.session = std::move(*sid);
  }
  if (req.has_header("X-Source-Docs")) {
    auto ids = docs::parse_source_docs(req.header("X-Source-Docs"), kMaxSourceDocs);
    if (!ids) return http::invalid_request("X-Source-Docs: " + ids.error().detail, "X-Source-Docs");
    rc.source_docs = std::move(*ids);
  }
  if (req.has_header("X-Semantic-Threshold")) {
    rc.semantic_threshold = parse_similarity_threshold(req.header("X-Semantic-Threshold"));
    if (!rc.semantic_threshold) {
      return http::invalid_request("X-Semantic-Threshold must be a number between 0 and 1", "X-Semantic-Threshold");
    }
  }
  if (req.has_header("X-Resolved-Query")) {
    auto q = parse_resolved_query(req.header("X-Resolved-Query"));
    if (!q) {
      return http::invalid_request("X-Resolved-Query must be 1-4096 bytes of text without control characters",
                                   "X-Resolved-Query");
    }
    rc.resolved_query = std::string(*q);
  }
  rc.cache_control = parse_cache_control(req.header("Cache-Control"));
  return rc;
}

}  // namespace ragcache::gateway
