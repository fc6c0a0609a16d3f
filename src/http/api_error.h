// OpenAI-style error responses: every error the gateway (or the mock) returns has this shape,
//   {"error":{"message":"...","type":"invalid_request_error","param":null,"code":null}}
// so OpenAI SDKs surface our errors exactly like the provider's own. Builders below pick the
// status and `type` once, here, instead of every handler spelling them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ragcache::http {

struct ApiError {
  int status = 500;
  std::string message;
  std::string type;                  // OpenAI `type`, e.g. "invalid_request_error"
  std::optional<std::string> param;  // the offending request field, if any
  std::optional<std::string> code;   // machine-readable code, e.g. "rate_limit_exceeded"

  // The JSON body: {"error":{"message","type","param","code"}} (absent param/code are null).
  std::string to_json() const;
};

// 400: the request is malformed (bad JSON, missing field, bad value). `param` names the field.
ApiError invalid_request(std::string message, std::optional<std::string> param = std::nullopt,
                         std::optional<std::string> code = std::nullopt);
// 401: missing or wrong API key.
ApiError unauthorized(std::string message = "Missing or invalid API key");
// 404: no such route or resource.
ApiError not_found(std::string message);
// 405: the path exists but not with this method.
ApiError method_not_allowed(std::string message);
// 413: the request body is larger than the server accepts.
ApiError payload_too_large(std::size_t limit_bytes);
// 429: rate limit or quota exceeded (the caller adds Retry-After).
ApiError rate_limited(std::string message = "Rate limit exceeded");
// 500: a bug or an unexpected failure on our side.
ApiError internal_error(std::string message = "Internal server error");
// 502: the upstream model failed or answered garbage.
ApiError bad_gateway(std::string message);
// 503: a dependency (Redis for sessions, ...) is down or the server is shutting down.
ApiError service_unavailable(std::string message);
// 504: the upstream did not answer in time.
ApiError gateway_timeout(std::string message);

// The OpenAI `type` we use for a status (400 -> invalid_request_error, 5xx -> server_error, ...).
std::string_view error_type_for_status(int status);

// An ApiError for an arbitrary status (e.g. one injected into the mock).
ApiError error_for_status(int status, std::string message);

}  // namespace ragcache::http
