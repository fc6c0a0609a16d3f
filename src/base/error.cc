#include "base/error.h"

#include <boost/throw_exception.hpp>

#include "base/error_category.h"

namespace ragcache {
const boost::system::error_category& generic_category() {
  static const TableCategory<Errc> instance("ragcache", {
      {Errc::ok, "ok"},
      {Errc::invalid_argument, "invalid argument"},
      {Errc::timeout, "timed out"},
      {Errc::cancelled, "cancelled"},
      {Errc::unavailable, "unavailable"},
      {Errc::internal, "internal error"},
  });
  return instance;
}

std::string Error::message() const {
  std::string out = code.message();
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

void throw_exception_from_error(const Error& e, const boost::source_location& loc) {
  boost::throw_exception(ErrorException(e), loc);
}

}  // namespace ragcache
