#include "openai/field_checks.h"

#include <boost/json/parse.hpp>

#include <cmath>
#include <string>

namespace ragcache::openai {
namespace json = boost::json;

namespace {

const json::value* present(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && !v->is_null() ? v : nullptr;
}

// (Appended piece by piece: GCC 12 warns falsely about `"'" + std::string(...) + ...` here.)
RequestError wrong_type(std::string_view name, std::string_view what) {
  std::string message = "'";
  message.append(name).append("' must be ").append(what).append(".");
  return request_error(std::move(message), std::string(name), "invalid_type");
}

RequestError out_of_range(std::string_view name) {
  std::string message = "'";
  message.append(name).append("' is out of range.");
  return request_error(std::move(message), std::string(name), "invalid_value");
}

std::optional<RequestError> check_value(const json::value& v, const FieldRule& rule) {
  using Type = FieldRule::Type;
  if (v.is_null()) return std::nullopt;  // null means "default"
  switch (rule.type) {
    case Type::boolean:
      if (!v.is_bool()) return wrong_type(rule.name, "a boolean");
      break;
    case Type::string:
      if (!v.is_string()) return wrong_type(rule.name, "a string");
      break;
    case Type::object:
      if (!v.is_object()) return wrong_type(rule.name, "an object");
      break;
    case Type::array:
      if (!v.is_array()) return wrong_type(rule.name, "an array");
      break;
    case Type::number: {
      if (!v.is_number()) return wrong_type(rule.name, "a number");
      const double d = v.to_number<double>();
      if (!std::isfinite(d) || d < rule.lo || d > rule.hi) return out_of_range(rule.name);
      break;
    }
    case Type::integer: {
      std::int64_t i = 0;
      if (v.is_int64()) {
        i = v.as_int64();
      } else if (v.is_uint64()) {
        if (v.as_uint64() > static_cast<std::uint64_t>(rule.int_hi)) return out_of_range(rule.name);
        i = static_cast<std::int64_t>(v.as_uint64());
      } else {
        return wrong_type(rule.name, "an integer");  // 1.5, "3", true...
      }
      if (i < rule.int_lo || i > rule.int_hi) return out_of_range(rule.name);
      break;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<RequestError> check_fields(const json::object& o, std::span<const FieldRule> rules) {
  for (const auto& member : o) {
    const std::string_view key = member.key();
    for (const auto& rule : rules) {
      if (rule.name == key) {
        if (auto err = check_value(member.value(), rule)) return err;
        break;
      }
    }
  }
  return std::nullopt;
}

std::optional<RequestError> check_bool(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, {name, FieldRule::Type::boolean}) : std::nullopt;
}

std::optional<RequestError> check_string(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, {name, FieldRule::Type::string}) : std::nullopt;
}

std::optional<RequestError> check_object(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, {name, FieldRule::Type::object}) : std::nullopt;
}

std::optional<RequestError> check_array(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, {name, FieldRule::Type::array}) : std::nullopt;
}

std::optional<RequestError> check_number(const json::object& o, std::string_view name, double lo, double hi) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, number_rule(name, lo, hi)) : std::nullopt;
}

std::optional<RequestError> check_integer(const json::object& o, std::string_view name, std::int64_t lo,
                                          std::int64_t hi) {
  const auto* v = o.if_contains(name);
  return v ? check_value(*v, integer_rule(name, lo, hi)) : std::nullopt;
}

Parsed<json::object> parse_model_request(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return request_error("Request body is not valid JSON: " + ec.message(), std::nullopt, "invalid_json");
  if (!doc.is_object()) return request_error("Request body must be a JSON object.");
  const auto* model = doc.as_object().if_contains("model");
  if (!model) return request_error("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (!model->is_string() || model->as_string().empty()) {
    return request_error("'model' must be a non-empty string.", "model", "invalid_type");
  }
  return std::move(doc.as_object());
}

std::optional<std::int64_t> integer_field(const json::object& o, std::string_view name) {
  const auto* v = present(o, name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

bool flag_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_bool() && v->as_bool();
}

}  // namespace ragcache::openai
