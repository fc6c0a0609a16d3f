// The route wrappers of Gateway (tenant, admin, open) and the access-log line each writes
// (access_log.h).
#include <spdlog/spdlog.h>

#include <chrono>

#include "gateway/access_log.h"
#include "gateway/gateway.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

void Gateway::write_access_line(const http::Request& req, const http::ResponseWriter& w, Clock::time_point start,
                                const RequestLog& log, std::string_view tenant) const {
  // Building the line costs a few percent of a cache hit: skip it entirely when the log is off
  // or its level would drop it (e.g. --log-level warn).
  if (!options_.access_log || !spdlog::should_log(spdlog::level::info)) return;
  AccessLogEntry e;
  e.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  e.time = std::chrono::system_clock::now();
  const std::string id = request_id_for(req.header("X-Request-Id"));
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

asio::awaitable<void> Gateway::as_tenant(http::Request& req, http::ResponseWriter& w, TenantHandler handler) {
  RequestLog log;
  const auto start = Clock::now();
  auto caller = co_await authenticator_.identify(req);
  if (!caller) {
    co_await w.send_error(caller.error());
    write_access_line(req, w, start, log, "-");
    co_return;
  }
  co_await (this->*handler)(req, w, *caller, log);
  write_access_line(req, w, start, log, caller->tenant);
}

asio::awaitable<void> Gateway::as_admin(http::Request& req, http::ResponseWriter& w, Handler handler) {
  const auto start = Clock::now();
  if (auto refused = authenticator_.admin_refusal(req)) {
    co_await w.send_error(*refused);
  } else {
    co_await (this->*handler)(req, w);
  }
  write_access_line(req, w, start, RequestLog{}, "admin");
}

asio::awaitable<void> Gateway::as_open(http::Request& req, http::ResponseWriter& w, Handler handler) {
  const auto start = Clock::now();
  co_await (this->*handler)(req, w);
  write_access_line(req, w, start, RequestLog{}, "-");
}

}  // namespace ragcache::gateway
