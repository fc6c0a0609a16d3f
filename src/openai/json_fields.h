// Small helpers over JSON objects that keep their field order: what a client sees must read as
// the upstream wrote it, and boost::json::object::erase moves the last field into the gap.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <string_view>

namespace ragcache::openai {

// A copy of `o` without the named fields, the others in their order.
boost::json::object without_fields(const boost::json::object& o, std::initializer_list<std::string_view> names);

}  // namespace ragcache::openai
