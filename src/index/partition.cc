#include "index/partition.h"

#include <functional>

namespace ragcache::index {
namespace {

void append_field(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

}  // namespace

std::string PartitionKey::canonical() const {
  std::string out;
  out.reserve(tenant.size() + model.size() + system_fingerprint.size() + name_space.size() + 16);
  append_field(out, tenant);
  append_field(out, model);
  append_field(out, system_fingerprint);
  append_field(out, name_space);
  return out;
}

std::size_t PartitionKeyHash::operator()(const PartitionKey& key) const {
  return std::hash<std::string>{}(key.canonical());
}

}  // namespace ragcache::index
