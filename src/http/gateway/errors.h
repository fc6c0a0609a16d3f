// Error codes of the gateway's own operations.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>

#include "base/error.h"
#include "http/api_error.h"

namespace ragcache::gateway {

enum class Errc {
  ok = 0,
  upstream_status,    // the upstream answered with an error status (detail: "<status> <body>")
  upstream_protocol,  // the upstream's stream was malformed or ended without a finish
};

const boost::system::error_category& category();
inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

// An upstream error status travels as Error{upstream_status, "<status> <body>"} (so followers of
// a shared generation can relay it too); these convert both ways.
Error upstream_status_error(int status, std::string_view body);
struct UpstreamStatus {
  int status;
  std::string body;
};
// Finds an upstream status in an error, also when wrapped in another error's detail text.
std::optional<UpstreamStatus> find_upstream_status(const Error& e);

// The OpenAI-style error a caller gets for a failed generation.
http::ApiError api_error_for(const Error& e);

}  // namespace ragcache::gateway

RAGCACHE_ERROR_CODE_ENUM(ragcache::gateway::Errc);
