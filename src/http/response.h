// A whole (non-streamed) response, built by a handler and sent by ResponseWriter::send.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/api_error.h"

namespace ragcache::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;  // extra headers (X-Cache, Retry-After, ...)

  static Response json(int status, std::string body, Headers headers = {}) {
    return Response{status, "application/json", std::move(body), std::move(headers)};
  }
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
    return Response{status, std::move(content_type), std::move(body), {}};
  }
  static Response error(const ApiError& e, Headers headers = {}) {
    return Response{e.status, "application/json", e.to_json(), std::move(headers)};
  }
};

}  // namespace ragcache::http
