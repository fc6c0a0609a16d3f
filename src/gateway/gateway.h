// The OpenAI-compatible caching gateway: the routes of `ragcache serve`.
//
//   POST /v1/chat/completions, POST /v1/responses   cached answers (chat_pipeline.h)
//   POST /v1/embeddings                             per-input cache (embeddings_api.h)
//   any other /v1/... (GET /v1/models included)     passed through unchanged (passthrough.h)
//   /v1/ragcache/...                                the native API (native_api.cc)
//   /healthz, /readyz, /metrics, /dashboard
//
// Redis down: the cache is bypassed (X-Cache: BYPASS, counted in ragcache_redis_errors_total)
// and requests go straight upstream; session requests fail with 503.
//
// Thread-safety: handlers run on many io threads at once; everything the Gateway holds is
// either immutable after construction or thread-safe itself. Lifetime: the dependencies must
// outlive the Gateway, which must outlive the server that routes to it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "gateway/access_log.h"
#include "gateway/chat_pipeline.h"
#include "gateway/dashboard/active_sessions.h"
#include "gateway/gateway_deps.h"
#include "gateway/gateway_metrics.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/router.h"

namespace ragcache::gateway {

class Gateway {
 public:
  Gateway(GatewayDeps deps, GatewayOptions options);
  ~Gateway();

  // Registers every route (see the top of this file).
  void add_routes(http::Router& router);

  boost::asio::awaitable<void> chat_completions(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  boost::asio::awaitable<void> responses(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  boost::asio::awaitable<void> embeddings(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  boost::asio::awaitable<void> passthrough(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  boost::asio::awaitable<void> readyz(http::Request& req, http::ResponseWriter& w);

  // Native API (/v1/ragcache/...).
  boost::asio::awaitable<void> session_get(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> session_append(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> session_context(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> session_delete(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> invalidate(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> stats(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> hot(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> doc_begin(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> doc_end(http::Request& req, http::ResponseWriter& w);  // finish | fail
  boost::asio::awaitable<void> doc_get(http::Request& req, http::ResponseWriter& w);

  // The tenant of a request: a hash of its API key (or "shared").
  std::string tenant_of(const http::Request& req) const;

 private:
  // The tenant's request rate (--limits-requests-per-minute), shared by every route that calls
  // the upstream. False: refused, and the 429 (with its rate-limit headers) has been sent.
  boost::asio::awaitable<bool> within_request_rate(const std::string& tenant, http::ResponseWriter& w);
  // Runs a handler and writes its access-log line (access_log.h) when the log is on.
  using Handler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&);
  using LoggedHandler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&, RequestLog&);
  boost::asio::awaitable<void> logged(http::Request& req, http::ResponseWriter& w, LoggedHandler handler);
  boost::asio::awaitable<void> logged(http::Request& req, http::ResponseWriter& w, Handler handler);

  GatewayDeps deps_;
  GatewayOptions options_;
  GatewayMetrics metrics_;
  ChatPipeline pipeline_;
  dashboard::ActiveSessions active_sessions_;  // distinct session ids seen in the last 5 minutes
};

}  // namespace ragcache::gateway
