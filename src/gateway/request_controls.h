// The request headers that steer the gateway, each parsed and checked in one place into one
// typed value (bad values are the caller's mistake: a 400 naming the header).
//
//   X-Cache-Namespace     Namespace: 1-64 of [A-Za-z0-9_.-] ("" when absent = the default)
//   X-Session-Id          SessionId: 1-128 of [A-Za-z0-9_.:-]
//   X-Source-Docs         SourceDocs: comma-separated document ids, de-duplicated, at most 64
//   X-Semantic-Threshold  a number in [0, 1]; it can only raise the operator's threshold
//   X-Resolved-Query      1-4096 bytes of text without control characters (trimmed)
//   Cache-Control         no-cache (skip the lookup, still store), no-store (neither)
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_error.h"
#include "http/request.h"

namespace ragcache::gateway {

inline constexpr std::size_t kMaxResolvedQueryBytes = 4096;
inline constexpr std::size_t kMaxSourceDocs = 64;

struct Namespace {
  std::string value;  // "" = the default namespace
  bool operator==(const Namespace&) const = default;
};

struct SessionId {
  std::string value;
};

struct CacheControl {
  bool no_cache = false;  // skip the lookup, still store the fresh answer
  bool no_store = false;  // neither look up nor store
};

struct RequestControls {
  Namespace name_space;
  std::optional<SessionId> session;
  std::optional<std::vector<std::string>> source_docs;  // set when the header was given
  std::optional<float> semantic_threshold;               // as asked (see effective_threshold)
  std::optional<std::string> resolved_query;
  CacheControl cache_control;
};

boost::system::result<RequestControls, http::ApiError> parse_request_controls(const http::Request& req);

// Each header on its own (nullopt: invalid).
std::optional<Namespace> parse_namespace(std::string_view header);
std::optional<SessionId> parse_session_id(std::string_view header);
std::optional<float> parse_similarity_threshold(std::string_view header);
std::optional<std::string_view> parse_resolved_query(std::string_view header);
CacheControl parse_cache_control(std::string_view header);

// The threshold a lookup uses: the operator's, raised (never lowered) by the caller's request.
float effective_threshold(float operator_threshold, std::optional<float> requested);

}  // namespace ragcache::gateway
