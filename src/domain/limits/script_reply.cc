#include "domain/limits/script_reply.h"

#include <string>

#include "domain/limits/errors.h"

namespace ragcache::limits {

Result<std::vector<std::int64_t>> integers_of(const redis::Reply& reply, std::size_t count) {
  if (!reply.is_array() || reply.elements.size() < count) {
    return Error(Errc::malformed_reply, reply.debug_string());
  }
  std::vector<std::int64_t> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto v = reply.elements[i].as_integer();
    if (!v) return Error(Errc::malformed_reply, reply.debug_string());
    out.push_back(*v);
  }
  return out;
}

std::string string_at(const redis::Reply& reply, std::size_t i) {
  if (!reply.is_array() || i >= reply.elements.size()) return {};
  const auto& e = reply.elements[i];
  if (e.is_string()) return e.str;
  if (e.kind == redis::Reply::Kind::integer) return std::to_string(e.integer);
  return {};
}

std::int64_t integer_at(const redis::Reply& reply, std::size_t i, std::int64_t fallback) {
  if (!reply.is_array() || i >= reply.elements.size()) return fallback;
  auto v = reply.elements[i].as_integer();
  return v ? *v : fallback;
}

}  // namespace ragcache::limits
