// A Redis command encoded once, at construction, as RESP (an array of bulk strings), so the
// connection writes its bytes as they are and many callers' commands go out in one write.
//
//   Command cmd("SET", key, value, "PX", 1000);
//   cmd.arg("NX");
//
// Arguments are binary-safe (std::string_view may hold NUL bytes); integers are written in decimal.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragcache::redis {

class Command {
 public:
  Command() = default;
  template <class... Args>
  explicit Command(std::string_view name, const Args&... args) {
    arg(name);
    (arg(args), ...);
  }

  Command& arg(std::string_view value);
  Command& arg(const std::string& value) { return arg(std::string_view(value)); }
  Command& arg(const char* value) { return arg(std::string_view(value)); }
  template <std::integral T>
  Command& arg(T value) { return arg(std::string_view(std::to_string(value))); }
  Command& arg(double value);
  template <class T>
  Command& args(const std::vector<T>& values) {
    for (const auto& v : values) arg(v);
    return *this;
  }

  std::size_t arg_count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The full RESP bytes: "*<count>\r\n" followed by the arguments.
  std::string encoded() const;
  // Appends the full RESP bytes to out (avoids a copy when batching).
  void append_to(std::string& out) const;
  // The command name, upper-cased (for logs and routing decisions).
  std::string name() const;
  // The i-th argument's bytes (0 = the command name), decoded from the RESP body.
  std::string_view arg_at(std::size_t i) const;

  // Cluster routing: the key whose slot picks the node, for commands the routing table in
  // command_routing.h cannot work out by itself. Not sent to the server.
  Command& route_by(std::string_view key) {
    routing_key_ = std::string(key);
    return *this;
  }
  const std::optional<std::string>& routing_key_override() const { return routing_key_; }

 private:
  std::string body_;  // concatenated "$<len>\r\n<bytes>\r\n"
  std::size_t count_ = 0;
  std::optional<std::string> routing_key_;
};

}  // namespace ragcache::redis
