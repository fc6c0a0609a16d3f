// The gateway's access log: one JSON line per request, logged through spdlog at info level:
//   {"time":"2026-11-27T04:59:01.123Z","id":"5f3a-42","method":"POST","path":"/v1/chat/completions",
//    "status":200,"cache":"HIT","latency_ms":0.412,"upstream_ms":null,"tenant":"3f2a9c1b7d0e","bytes":713}
// `cache`: HIT | SEMANTIC | MISS | SHARED | BYPASS for answers, "-" when the request had no
// cache outcome (errors, other routes). `upstream_ms`: how long this request's own upstream call
// took (null when it made none). `tenant`: the first 12 hex characters of the tenant hash
// (never the API key). `id`: the caller's X-Request-Id when it sent a sane one, else generated.
//
// Cheap by construction: the line is formatted once into a stack buffer (fmt::memory_buffer),
// strings are escaped in place, and nothing is built when the log is off.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ragcache::gateway {

// What a handler reports about its request, beyond status and size (which the writer knows).
struct RequestLog {
  std::string_view cache = "-";  // must point at static storage (x_cache_value)
  std::optional<double> upstream_ms;
};

struct AccessLogEntry {
  std::chrono::system_clock::time_point time;
  std::string_view request_id;
  std::string_view method;
  std::string_view path;
  int status = 0;
  std::string_view cache = "-";
  double latency_ms = 0;
  std::optional<double> upstream_ms;
  std::string_view tenant;  // full tenant id; shortened here
  std::uint64_t bytes_out = 0;
};

// The JSON line (without a trailing newline).
std::string format_access_log(const AccessLogEntry& e);

// The id of a request: `header` (X-Request-Id) when it is 1-64 characters of [A-Za-z0-9._:-],
// else a fresh process-unique id.
std::string request_id_for(std::string_view header);

}  // namespace ragcache::gateway
