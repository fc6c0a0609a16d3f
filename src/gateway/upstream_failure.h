// Errors of the gateway's own operations, and the typed form of an upstream's error answer.
//
// An upstream that answers 4xx/5xx is not "the gateway failed": its status and body go back to
// the caller unchanged (an OpenAI SDK then raises exactly the error it would have raised without
// the gateway). Inside one process the failure is an Error whose code is Errc::upstream_status;
// the status and body ride in its detail as one JSON object behind a fixed marker, because the
// same Error also crosses the single flight's Redis stream (as text) to callers on other
// replicas. upstream_failure_of() is the one reader of that encoding.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/api_error.h"
#include "http/response.h"

namespace ragcache::gateway {

enum class Errc {
  ok = 0,
  upstream_status,    // the upstream answered with an error status (see UpstreamFailure)
  upstream_protocol,  // the upstream's answer was malformed or ended early
};

const boost::system::error_category& category();
inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

struct UpstreamFailure {
  int status = 502;
  std::string body;          // as the upstream sent it (an OpenAI error object, usually)
  std::string content_type;  // the upstream's Content-Type ("" = application/json)
  std::string retry_after;   // the upstream's Retry-After, if any
};

Error upstream_failure_error(const UpstreamFailure& failure);
// The failure carried by `e` (also when `e` wraps it in a leader's error text); nullopt else.
std::optional<UpstreamFailure> upstream_failure_of(const Error& e);

// What a caller gets for a failed generation: the upstream's own answer for an upstream
// failure, else an OpenAI-style 502/504.
struct FailureReply {
  int status = 502;
  std::string content_type = "application/json";
  std::string body;
  http::Headers headers;
};
FailureReply failure_reply(const Error& e);
FailureReply failure_reply(const http::ApiError& e);

}  // namespace ragcache::gateway

RAGCACHE_ERROR_CODE_ENUM(ragcache::gateway::Errc);
