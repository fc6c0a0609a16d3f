#include "redis/command_routing.h"

#include "redis/cluster_slot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace ragcache::redis {
namespace {

// Commands without a key (or that act on the whole server): any node may run them.
constexpr std::array<std::string_view, 37> kKeyless = {
    "ACL",      "ASKING",  "AUTH",     "BGREWRITEAOF", "BGSAVE",   "CLIENT",   "CLUSTER",  "COMMAND",
    "CONFIG",   "DBSIZE",  "DEBUG",    "DISCARD",      "ECHO",     "EXEC",     "FLUSHALL", "FLUSHDB",
    "FUNCTION", "HELLO",   "INFO",     "LASTSAVE",     "LATENCY",  "MULTI",    "PING",     "PSUBSCRIBE",
    "PUBLISH",  "PUBSUB",  "RANDOMKEY", "READONLY",    "READWRITE", "ROLE",    "SAVE",     "SCAN",
    "SCRIPT",   "SELECT",  "SLOWLOG",  "SUBSCRIBE",    "TIME",
};

// Commands whose key follows a subcommand: "MEMORY USAGE key", "XINFO STREAM key", ...
constexpr std::array<std::string_view, 5> kKeyAfterSubcommand = {"BITOP", "MEMORY", "OBJECT", "XGROUP", "XINFO"};

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

bool contains(const auto& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

bool is_script_call(const std::string& name) {
  return name == "EVAL" || name == "EVALSHA" || name == "EVAL_RO" || name == "EVALSHA_RO" || name == "FCALL" ||
         name == "FCALL_RO";
}

std::optional<long> numkeys_of(const Command& cmd) {
  if (cmd.arg_count() < 3) return std::nullopt;
  const std::string_view text = cmd.arg_at(2);
  long numkeys = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), numkeys);
  if (ec != std::errc() || p != text.data() + text.size() || numkeys < 0) return std::nullopt;
  return numkeys;
}

std::optional<std::string_view> arg_if_present(const Command& cmd, std::size_t i) {
  if (i >= cmd.arg_count()) return std::nullopt;
  return cmd.arg_at(i);
}

}  // namespace

std::optional<std::string_view> routing_key(const Command& cmd) {
  if (const auto& forced = cmd.routing_key_override()) return std::string_view(*forced);
  if (cmd.arg_count() < 2) return std::nullopt;
  const std::string name = cmd.name();
  if (contains(kKeyless, name)) return std::nullopt;
  if (is_script_call(name)) {
    const auto numkeys = numkeys_of(cmd);
    if (!numkeys || *numkeys == 0) return std::nullopt;
    return arg_if_present(cmd, 3);
  }
  if (name == "XREAD" || name == "XREADGROUP") {
    for (std::size_t i = 1; i + 1 < cmd.arg_count(); ++i) {
      if (equals_ignore_case(cmd.arg_at(i), "STREAMS")) return cmd.arg_at(i + 1);
    }
    return std::nullopt;
  }
  if (contains(kKeyAfterSubcommand, name)) return arg_if_present(cmd, 2);
  return cmd.arg_at(1);
}

bool script_keys_share_slot(const Command& cmd) {
  if (cmd.arg_count() < 4 || !is_script_call(cmd.name())) return true;
  const auto numkeys = numkeys_of(cmd);
  if (!numkeys || *numkeys < 2) return true;
  const std::size_t last = std::min<std::size_t>(cmd.arg_count(), 3 + static_cast<std::size_t>(*numkeys));
  const auto slot = key_slot(cmd.arg_at(3));
  for (std::size_t i = 4; i < last; ++i) {
    if (key_slot(cmd.arg_at(i)) != slot) return false;
  }
  return true;
}

}  // namespace ragcache::redis
