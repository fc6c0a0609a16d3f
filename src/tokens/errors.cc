#include "tokens/errors.h"

#include "base/error_category.h"

namespace ragcache::tokens {

const boost::system::error_category& category() {
  static const TableCategory<Errc> instance("tokens", {
      {Errc::ok, "ok"},
      {Errc::unknown_encoding, "unknown token encoding"},
      {Errc::rank_file_missing, "token rank file not found"},
      {Errc::rank_file_invalid, "token rank file is malformed"},
      {Errc::bad_pattern, "pre-tokenizer pattern rejected"},
  });
  return instance;
}

}  // namespace ragcache::tokens
