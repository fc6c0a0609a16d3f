#include "base/error.h"

#include <boost/throw_exception.hpp>

namespace ragcache {
namespace {

class GenericCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ragcache"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::invalid_argument: return "invalid argument";
      case Errc::timeout: return "timed out";
      case Errc::cancelled: return "cancelled";
      case Errc::unavailable: return "unavailable";
      case Errc::internal: return "internal error";
    }
    return "unknown error";
  }
};

}  // namespace

const boost::system::error_category& generic_category() {
  static const GenericCategory category;
  return category;
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
