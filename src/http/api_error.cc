#include "http/api_error.h"

#include <boost/json.hpp>

namespace ragcache::http {

std::string ApiError::to_json() const {
  boost::json::object inner;
  inner["message"] = message;
  inner["type"] = type;
  inner["param"] = param ? boost::json::value(*param) : boost::json::value(nullptr);
  inner["code"] = code ? boost::json::value(*code) : boost::json::value(nullptr);
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return boost::json::serialize(outer);
}

std::string_view error_type_for_status(int status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "invalid_request_error";
    case 429: return "rate_limit_error";
    default: break;
  }
  if (status >= 400 && status < 500) return "invalid_request_error";
  return "server_error";
}

ApiError error_for_status(int status, std::string message) {
  ApiError e;
  e.status = status;
  e.message = std::move(message);
  e.type = std::string(error_type_for_status(status));
  return e;
}

ApiError invalid_request(std::string message, std::optional<std::string> param,
                         std::optional<std::string> code) {
  ApiError e = error_for_status(400, std::move(message));
  e.param = std::move(param);
  e.code = std::move(code);
  return e;
}

ApiError unauthorized(std::string message) {
  ApiError e = error_for_status(401, std::move(message));
  e.code = "invalid_api_key";
  return e;
}

ApiError not_found(std::string message) {
  ApiError e = error_for_status(404, std::move(message));
  e.code = "not_found";
  return e;
}

ApiError method_not_allowed(std::string message) {
  ApiError e = error_for_status(405, std::move(message));
  e.code = "method_not_allowed";
  return e;
}

ApiError payload_too_large(std::size_t limit_bytes) {
  ApiError e = error_for_status(
      413, "Request body too large: the limit is " + std::to_string(limit_bytes) + " bytes");
  e.code = "request_too_large";
  return e;
}

ApiError rate_limited(std::string message) {
  ApiError e = error_for_status(429, std::move(message));
  e.code = "rate_limit_exceeded";
  return e;
}

ApiError internal_error(std::string message) {
  ApiError e = error_for_status(500, std::move(message));
  e.code = "internal_error";
  return e;
}

ApiError bad_gateway(std::string message) {
  ApiError e = error_for_status(502, std::move(message));
  e.code = "upstream_error";
  return e;
}

ApiError service_unavailable(std::string message) {
  ApiError e = error_for_status(503, std::move(message));
  e.code = "service_unavailable";
  return e;
}

ApiError gateway_timeout(std::string message) {
  ApiError e = error_for_status(504, std::move(message));
  e.code = "upstream_timeout";
  return e;
}

}  // namespace ragcache::http
