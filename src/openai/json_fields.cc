#include "openai/json_fields.h"

#include <algorithm>

namespace ragcache::openai {

boost::json::object without_fields(const boost::json::object& o, std::initializer_list<std::string_view> names) {
  boost::json::object out(o.storage());
  out.reserve(o.size());
  for (const auto& [k, v] : o) {
    if (std::find(names.begin(), names.end(), std::string_view(k)) == names.end()) out.emplace(k, v);
  }
  return out;
}

}  // namespace ragcache::openai
