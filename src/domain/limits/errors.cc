#include "domain/limits/errors.h"

#include <string>

namespace ragcache::limits {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "limits"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::lease_lost: return "ingest lease lost: another worker holds the document now";
      case Errc::content_mismatch: return "content_sha256 differs from the one the ingest began with";
      case Errc::malformed_reply: return "unexpected reply from a limits script";
    }
    return "unknown limits error";
  }
};

}  // namespace

const boost::system::error_category& category() {
  static const Category instance;
  return instance;
}

}  // namespace ragcache::limits
