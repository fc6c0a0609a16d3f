#include "domain/limits/limit_types.h"

namespace ragcache::limits {

Result<void> validate_subject(std::string_view subject) {
  if (subject.empty()) return Error(ragcache::Errc::invalid_argument, "empty rate-limit subject");
  if (subject.size() > 256) return Error(ragcache::Errc::invalid_argument, "rate-limit subject longer than 256 bytes");
  for (unsigned char c : subject) {
    if (c == '{' || c == '}') return Error(ragcache::Errc::invalid_argument, "rate-limit subject contains a brace");
    if (c < 0x20 || c == 0x7f) return Error(ragcache::Errc::invalid_argument, "rate-limit subject contains a control character");
  }
  return {};
}

}  // namespace ragcache::limits
