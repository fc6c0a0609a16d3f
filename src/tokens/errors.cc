#include "tokens/errors.h"

#include <string>

namespace ragcache::tokens {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tokens"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok:
        return "ok";
      case Errc::unknown_encoding:
        return "unknown token encoding";
      case Errc::rank_file_missing:
        return "token rank file not found";
      case Errc::rank_file_invalid:
        return "token rank file is malformed";
      case Errc::bad_pattern:
        return "pre-tokenizer pattern rejected";
    }
    return "unknown tokens error";
  }
};

}  // namespace

const boost::system::error_category& category() {
  static const Category instance;
  return instance;
}

}  // namespace ragcache::tokens
