#include "domain/cache/lock_value.h"

#include <charconv>

namespace ragcache::cache {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<LockValue> LockValue::parse(std::string_view text) {
  if (text.ends_with(kWaitersMark)) text.remove_suffix(1);
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  auto fence = parse_u64(text.substr(colon + 1));
  if (!fence) return std::nullopt;
  return LockValue{std::string(text.substr(0, colon)), *fence};
}

SteadyClock::time_point validity_deadline(SteadyClock::time_point sent_at, std::chrono::milliseconds ttl) {
  auto margin = ttl / 100 + std::chrono::milliseconds(2);
  return sent_at + ttl - margin;
}

std::optional<StreamId> StreamId::parse(std::string_view text) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto ms = parse_u64(text);
    if (!ms) return std::nullopt;
    return StreamId{*ms, 0};
  }
  auto ms = parse_u64(text.substr(0, dash));
  auto seq = parse_u64(text.substr(dash + 1));
  if (!ms || !seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

}  // namespace ragcache::cache
