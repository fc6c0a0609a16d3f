#include "redis/reply.h"

#include <charconv>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

const char* kind_name(Reply::Kind k) {
  switch (k) {
    case Reply::Kind::nil: return "nil";
    case Reply::Kind::status: return "status";
    case Reply::Kind::error: return "error";
    case Reply::Kind::integer: return "integer";
    case Reply::Kind::bulk: return "bulk";
    case Reply::Kind::array: return "array";
  }
  return "?";
}

Error unexpected(const Reply& r, const char* wanted) {
  if (r.kind == Reply::Kind::error) return Error(Errc::server_error, r.str);
  return Error(Errc::unexpected_reply, std::string("wanted ") + wanted + ", got " + kind_name(r.kind));
}

}  // namespace

Result<std::int64_t> Reply::as_integer() const {
  if (kind == Kind::integer) return integer;
  if (kind == Kind::bulk || kind == Kind::status) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
    if (ec == std::errc() && p == str.data() + str.size()) return v;
  }
  return unexpected(*this, "integer");
}

Result<std::string_view> Reply::as_string() const {
  if (kind == Kind::bulk || kind == Kind::status) return std::string_view(str);
  return unexpected(*this, "string");
}

Result<std::optional<std::string>> Reply::as_optional_string() const {
  if (kind == Kind::nil) return std::optional<std::string>();
  if (kind == Kind::bulk || kind == Kind::status) return std::optional<std::string>(str);
  return unexpected(*this, "string or nil");
}

Result<std::vector<std::int64_t>> Reply::integers(std::size_t count) const {
  if (!is_array() || elements.size() < count) return Error(Errc::unexpected_reply, debug_string());
  std::vector<std::int64_t> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto v = elements[i].as_integer();
    if (!v) return Error(Errc::unexpected_reply, debug_string());
    out.push_back(*v);
  }
  return out;
}

std::string Reply::string_at(std::size_t i) const {
  if (!is_array() || i >= elements.size()) return {};
  const auto& e = elements[i];
  if (e.is_string()) return e.str;
  if (e.kind == Kind::integer) return std::to_string(e.integer);
  return {};
}

std::int64_t Reply::integer_at(std::size_t i, std::int64_t fallback) const {
  if (!is_array() || i >= elements.size()) return fallback;
  auto v = elements[i].as_integer();
  return v ? *v : fallback;
}

std::string Reply::debug_string() const {
  switch (kind) {
    case Kind::nil: return "(nil)";
    case Kind::integer: return "(integer) " + std::to_string(integer);
    case Kind::status: return str;
    case Kind::error: return "(error) " + str;
    case Kind::bulk: return "\"" + (str.size() > 200 ? str.substr(0, 200) + "..." : str) + "\"";
    case Kind::array: {
      std::string out = "[";
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        out += elements[i].debug_string();
      }
      return out + "]";
    }
  }
  return "?";
}

}  // namespace ragcache::redis
