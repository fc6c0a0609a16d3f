// A Redis reply as a typed value: nil, status, error, integer, bulk (binary-safe) or array
// (nested). Built from hiredis's reader output in exactly one place (reader.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ragcache::redis {

struct Reply {
  enum class Kind { nil, status, error, integer, bulk, array };

  Kind kind = Kind::nil;
  std::int64_t integer = 0;   // Kind::integer
  std::string str;            // Kind::status, error, bulk (any bytes, NULs included)
  std::vector<Reply> elements;  // Kind::array

  bool is_nil() const { return kind == Kind::nil; }
  bool is_error() const { return kind == Kind::error; }
  bool is_array() const { return kind == Kind::array; }
  bool is_string() const { return kind == Kind::bulk || kind == Kind::status; }

  // Typed access: the value when the reply has that shape, else Errc::unexpected_reply.
  Result<std::int64_t> as_integer() const;          // integer, or a bulk holding digits
  Result<std::string_view> as_string() const;       // bulk or status
  Result<std::optional<std::string>> as_optional_string() const;  // nil -> nullopt

  // Array replies of scripts, read in one place. The first `count` elements as integers
  // (integers or decimal bulk strings); Errc::unexpected_reply for any other shape.
  Result<std::vector<std::int64_t>> integers(std::size_t count) const;
  // Element i as text ("" when absent or nil; an integer in decimal).
  std::string string_at(std::size_t i) const;
  // Element i as an integer (`fallback` when absent or not a number).
  std::int64_t integer_at(std::size_t i, std::int64_t fallback = 0) const;

  std::string debug_string() const;  // for logs and test failure messages

  static Reply make_nil() { return {}; }
  static Reply make_integer(std::int64_t v) { Reply r; r.kind = Kind::integer; r.integer = v; return r; }
  static Reply make_bulk(std::string s) { Reply r; r.kind = Kind::bulk; r.str = std::move(s); return r; }
};

}  // namespace ragcache::redis
