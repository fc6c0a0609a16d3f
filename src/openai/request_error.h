// What a request parser reports for a malformed request: the OpenAI error's message, the
// offending field (`param`) and a machine-readable `code`. The HTTP layers turn it into a 400
// with the OpenAI error body; this module only decides what is wrong.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>

namespace ragcache::openai {

struct RequestError {
  std::string message;
  std::optional<std::string> param;  // e.g. "messages[2].role"
  std::optional<std::string> code;   // e.g. "missing_required_parameter", "invalid_type"
};

inline RequestError request_error(std::string message, std::optional<std::string> param = std::nullopt,
                                  std::optional<std::string> code = std::nullopt) {
  return RequestError{std::move(message), std::move(param), std::move(code)};
}

template <class T>
using Parsed = boost::system::result<T, RequestError>;

}  // namespace ragcache::openai
