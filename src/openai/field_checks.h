// Type and range checks of request fields, shared by the chat and Responses parsers so that the
// same mistake gets the same error on every route. Each returns the first problem of the field
// (absent or null fields pass: they mean "default"), naming it in `param`.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "openai/request_error.h"

namespace ragcache::openai {

// One field's rule: the type it must have and, for numbers, the range.
struct FieldRule {
  enum class Type { boolean, string, object, array, number, integer };
  std::string_view name;
  Type type;
  double lo = 0, hi = 0;             // number
  std::int64_t int_lo = 0, int_hi = 0;  // integer
};
inline constexpr FieldRule integer_rule(std::string_view name, std::int64_t lo, std::int64_t hi) {
  return {name, FieldRule::Type::integer, 0, 0, lo, hi};
}
inline constexpr FieldRule number_rule(std::string_view name, double lo, double hi) {
  return {name, FieldRule::Type::number, lo, hi};
}

// The first problem among the fields of o that have a rule, in the body's order: one pass over
// the members (a request names few of the many optional fields; a lookup per rule cost more
// than the whole check on every request).
std::optional<RequestError> check_fields(const boost::json::object& o, std::span<const FieldRule> rules);

std::optional<RequestError> check_bool(const boost::json::object& o, std::string_view name);
std::optional<RequestError> check_string(const boost::json::object& o, std::string_view name);
std::optional<RequestError> check_object(const boost::json::object& o, std::string_view name);
std::optional<RequestError> check_array(const boost::json::object& o, std::string_view name);
// A number in [lo, hi] (integers and decimals alike).
std::optional<RequestError> check_number(const boost::json::object& o, std::string_view name, double lo, double hi);
// A whole number in [lo, hi]: 1.5 or "3" is a 400, as OpenAI answers it.
std::optional<RequestError> check_integer(const boost::json::object& o, std::string_view name, std::int64_t lo,
                                          std::int64_t hi);

// A request body: a JSON object holding a non-empty string `model` (the first check of every
// OpenAI route). Returns the object; the model is body["model"].
Parsed<boost::json::object> parse_model_request(std::string_view body);

// The value of an integer field already checked by check_integer; nullopt when absent or null.
std::optional<std::int64_t> integer_field(const boost::json::object& o, std::string_view name);
// True when the field is the boolean true.
bool flag_field(const boost::json::object& o, std::string_view name);

}  // namespace ragcache::openai
