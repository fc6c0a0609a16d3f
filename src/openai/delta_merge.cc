#include "openai/delta_merge.h"

#include <array>
#include <string_view>

namespace ragcache::openai {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 6> kIdentityFields = {"id", "type", "name", "role", "call_id", "index"};

bool is_identity(std::string_view key) {
  for (auto k : kIdentityFields) {
    if (k == key) return true;
  }
  return false;
}

const json::value* index_of(const json::value& v) {
  const auto* o = v.if_object();
  return o ? o->if_contains("index") : nullptr;
}

bool indexed(const json::array& a) {
  for (const auto& v : a) {
    if (!index_of(v)) return false;
  }
  return !a.empty();
}

void merge_arrays(json::array& into, const json::array& delta) {
  if (!indexed(delta)) {
    for (const auto& v : delta) into.push_back(v);
    return;
  }
  for (const auto& v : delta) {
    const json::value& idx = *index_of(v);
    json::value* target = nullptr;
    for (auto& existing : into) {
      if (const auto* i = index_of(existing); i && *i == idx) {
        target = &existing;
        break;
      }
    }
    if (target && target->is_object()) {
      merge_delta(target->as_object(), v.as_object());
    } else {
      into.push_back(v);
    }
  }
}

}  // namespace

void merge_delta(json::object& into, const json::object& delta) {
  for (const auto& [key, value] : delta) {
    auto* current = into.if_contains(key);
    if (!current) {
      into[key] = value;
      continue;
    }
    if (value.is_null()) continue;
    if (current->is_null()) {
      *current = value;
    } else if (current->is_string() && value.is_string()) {
      if (!is_identity(key)) {
        current->as_string().append(value.as_string());
      } else if (current->as_string().empty()) {
        *current = value;
      }
    } else if (current->is_object() && value.is_object()) {
      merge_delta(current->as_object(), value.as_object());
    } else if (current->is_array() && value.is_array()) {
      merge_arrays(current->as_array(), value.as_array());
    } else {
      *current = value;
    }
  }
}

}  // namespace ragcache::openai
