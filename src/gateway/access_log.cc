#include "gateway/access_log.h"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <ctime>
#include <iterator>
#include <random>

namespace ragcache::gateway {

namespace {

// Appends `s` as the body of a JSON string (quotes, backslashes and control bytes escaped;
// other bytes as they are).
void append_escaped(fmt::memory_buffer& out, std::string_view s) {
  auto it = std::back_inserter(out);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      fmt::format_to(it, "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
}

void append_string(fmt::memory_buffer& out, std::string_view key, std::string_view value) {
  out.push_back('"');
  out.append(key);
  out.append(std::string_view("\":\""));
  append_escaped(out, value);
  out.push_back('"');
}

}  // namespace

std::string format_access_log(const AccessLogEntry& e) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  const auto since_epoch = e.time.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
  const std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  fmt::format_to(it, "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  append_string(out, "id", e.request_id);
  out.push_back(',');
  append_string(out, "method", e.method);
  out.push_back(',');
  append_string(out, "path", e.path);
  fmt::format_to(it, ",\"status\":{},", e.status);
  append_string(out, "cache", e.cache);
  fmt::format_to(it, ",\"latency_ms\":{:.3f},\"upstream_ms\":", e.latency_ms);
  if (e.upstream_ms) {
    fmt::format_to(it, "{:.3f}", *e.upstream_ms);
  } else {
    out.append(std::string_view("null"));
  }
  out.push_back(',');
  append_string(out, "tenant", e.tenant.substr(0, 12));
  fmt::format_to(it, ",\"bytes\":{}}}", e.bytes_out);
  return fmt::to_string(out);
}

std::string request_id_for(std::string_view header) {
  bool sane = !header.empty() && header.size() <= 64;
  for (char c : header) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') sane = false;
  }
  if (sane) return std::string(header);
  // A random per-process prefix (ids from several replicas do not collide) and a counter.
  static const std::uint32_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{:08x}-{}", prefix, counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

}  // namespace ragcache::gateway
