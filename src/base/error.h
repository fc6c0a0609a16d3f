// Errors without exceptions across async boundaries.
//
// Every fallible call returns Result<T> = boost::system::result<T, Error>. An Error is an
// error_code (so callers can branch on the category/value) plus a human-readable detail
// (e.g. the server's error text, the URL that failed to parse). A cache miss is never an error:
// it is an empty std::optional inside a successful Result.
//
// Each layer defines its own enum of codes with its own category (redis/errors.h, ...); this file
// holds the type and the codes that any layer may use.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <system_error>
#include <utility>

namespace ragcache {

// Codes any layer may use.
enum class Errc {
  ok = 0,
  invalid_argument,   // the caller passed something malformed (bad URL, oversize value, ...)
  timeout,            // a deadline passed before the operation finished
  cancelled,          // the operation was cancelled by its caller or by shutdown
  unavailable,        // a dependency (Redis, upstream) cannot be reached right now
  internal,           // a bug or an impossible state: report it
};

const boost::system::error_category& generic_category();

inline boost::system::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), generic_category()};
}

struct Error {
  boost::system::error_code code;
  std::string detail;  // context for humans; may be empty

  Error() = default;
  Error(boost::system::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}
  template <class E>
    requires boost::system::is_error_code_enum<E>::value
  Error(E e, std::string d = {}) : code(make_error_code(e)), detail(std::move(d)) {}

  // "category: code message: detail" for logs and error bodies.
  std::string message() const;
  // No conversion to bool: it would make Result<bool> ambiguous to build from an Error.
  bool failed() const { return static_cast<bool>(code); }
  bool operator==(const boost::system::error_code& c) const { return code == c; }
};

// Thrown only by Result<T>::value() on an error; code that handles errors checks has_value().
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace ragcache

// Marks a layer's error enum as an error-code enum (base/error_category.h shows the whole
// pattern). Write it at global scope after the enum.
#define RAGCACHE_ERROR_CODE_ENUM(E) \
  template <>                       \
  struct boost::system::is_error_code_enum<E> : std::true_type {}

RAGCACHE_ERROR_CODE_ENUM(ragcache::Errc);
