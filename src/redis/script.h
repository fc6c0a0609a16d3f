// A Lua script known by its SHA-1. Sources live in .lua files under <layer>/scripts/ and are
// embedded at build time (see src/README.md); Client::eval sends EVALSHA and, on NOSCRIPT (after
// SCRIPT FLUSH or a server restart), EVAL with the source, which also reloads it.
#pragma once

#include <string>
#include <string_view>

namespace ragcache::redis {

class Script {
 public:
  Script(std::string name, std::string_view source);

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string name_;
  std::string source_;
  std::string sha1_;
};

}  // namespace ragcache::redis
