// Error codes of the document registry. Bad input uses ragcache::Errc::invalid_argument; Redis
// failures (and replies of a shape the scripts never give) keep the redis::Errc they came with;
// these are the outcomes that belong to this library.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::docs {

enum class Errc {
  ok = 0,
  lease_lost,        // the ingest lock was taken over (fencing number moved on): do not write
  content_mismatch,  // finish/fail named other content than the one begin locked
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

}  // namespace ragcache::docs

RAGCACHE_ERROR_CODE_ENUM(ragcache::docs::Errc);
