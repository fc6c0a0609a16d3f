#include "redis/script.h"

#include "base/hash.h"

namespace ragcache::redis {

Script::Script(std::string name, std::string_view source)
    : name_(std::move(name)), source_(source), sha1_(sha1_hex(source)) {}

}  // namespace ragcache::redis
