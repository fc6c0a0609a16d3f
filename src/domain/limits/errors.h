// Error codes of the limits library (rate limits, token quotas, hot questions, document
// registry). Bad input uses ragcache::Errc::invalid_argument; Redis failures keep the redis::Errc
// they came with; these are the outcomes that belong to this library.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::limits {

enum class Errc {
  ok = 0,
  lease_lost,        // the ingest lock was taken over (fencing number moved on): do not write
  content_mismatch,  // finish/fail named other content than the one begin locked
  malformed_reply,   // a script answered in a shape this code does not know (version skew?)
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

}  // namespace ragcache::limits

namespace boost::system {
template <>
struct is_error_code_enum<ragcache::limits::Errc> : std::true_type {};
}  // namespace boost::system
