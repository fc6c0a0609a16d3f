// Gateway::logged: runs a route handler and writes its access-log line (access_log.h).
#include <spdlog/spdlog.h>

#include <chrono>

#include "gateway/access_log.h"
#include "gateway/gateway.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

void write_access_line(const Gateway& gw, const http::Request& req, const http::ResponseWriter& w,
                       Clock::time_point start, const RequestLog& log) {
  // Building the line (request id, tenant hash) costs a few percent of a cache hit: skip it
  // entirely when the level would drop it (e.g. --log-level warn).
  if (!spdlog::should_log(spdlog::level::info)) return;
  AccessLogEntry e;
  e.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  e.time = std::chrono::system_clock::now();
  const std::string id = request_id_for(req.header("X-Request-Id"));
  const std::string tenant = gw.tenant_of(req);
  e.request_id = id;
  e.method = req.method_string();
  e.path = req.path();
  e.status = w.status();
  e.cache = log.cache;
  e.upstream_ms = log.upstream_ms;
  e.tenant = tenant;
  e.bytes_out = w.body_bytes();
  spdlog::info("{}", format_access_log(e));
}

}  // namespace

asio::awaitable<void> Gateway::logged(http::Request& req, http::ResponseWriter& w, LoggedHandler handler) {
  RequestLog log;
  const auto start = Clock::now();
  co_await (this->*handler)(req, w, log);
  if (options_.access_log) write_access_line(*this, req, w, start, log);
}

asio::awaitable<void> Gateway::logged(http::Request& req, http::ResponseWriter& w, Handler handler) {
  const auto start = Clock::now();
  co_await (this->*handler)(req, w);
  if (options_.access_log) write_access_line(*this, req, w, start, RequestLog{});
}

}  // namespace ragcache::gateway
