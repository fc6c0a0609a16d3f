// Error codes of the tokenizer layer. Only loading can fail (a rank file missing or malformed, an
// unknown encoding name, a pattern PCRE2 rejects); counting and encoding never fail once an
// Encoding exists.
#pragma once

#include <boost/system/error_code.hpp>

#include "base/error.h"

namespace ragcache::tokens {

enum class Errc {
  ok = 0,
  unknown_encoding,   // the name is not cl100k_base / o200k_base (or a rank file of that name)
  rank_file_missing,  // no rank file found (detail: where we looked, what to install)
  rank_file_invalid,  // the rank file exists but cannot be parsed (detail: file and line)
  bad_pattern,        // the pre-tokenizer pattern cannot be translated or compiled by PCRE2
};

const boost::system::error_category& category();

inline boost::system::error_code make_error_code(Errc e) { return {static_cast<int>(e), category()}; }

}  // namespace ragcache::tokens

RAGCACHE_ERROR_CODE_ENUM(ragcache::tokens::Errc);
