#include "domain/docs/errors.h"

#include "base/error_category.h"

namespace ragcache::docs {

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("docs", {
      {Errc::ok, "ok"},
      {Errc::lease_lost, "ingest lease lost: another worker holds the document now"},
      {Errc::content_mismatch, "content_sha256 differs from the one the ingest began with"},
  });
  return instance;
}

}  // namespace ragcache::docs
