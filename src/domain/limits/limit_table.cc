#include "domain/limits/limit_table.h"

namespace ragcache::limits {

const SubjectLimits& LimitTable::for_subject(std::string_view subject) const {
  auto it = overrides_.find(subject);
  return it == overrides_.end() ? defaults_ : it->second;
}

}  // namespace ragcache::limits
