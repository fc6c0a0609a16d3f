// The OpenAI-compatible caching gateway: the routes of `ragcache serve`.
//
//   POST /v1/chat/completions, POST /v1/responses   cached answers (chat_pipeline.h)
//   POST /v1/embeddings                             per-input cache (embeddings_api.h)
//   any other /v1/... (GET /v1/models included)     passed through unchanged (passthrough.h)
//   /v1/ragcache/...                                the native API (native_api.cc, keys_api.cc)
//   /healthz, /readyz, /metrics, /dashboard
//
// Every route is one of three kinds (caller.h): a tenant route (the caller is identified first,
// and reaches only its tenant's state), an admin route (the control plane: the admin key, or a
// loopback caller without one), or an open route (health, readiness, metrics, the dashboard's
// static files).
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
#include "gateway/caller.h"
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

  // Tenant routes.
  boost::asio::awaitable<void> chat_completions(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                                RequestLog& log);
  boost::asio::awaitable<void> responses(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                         RequestLog& log);
  boost::asio::awaitable<void> embeddings(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                          RequestLog& log);
  boost::asio::awaitable<void> passthrough(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                           RequestLog& log);
  boost::asio::awaitable<void> session_get(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                           RequestLog& log);
  boost::asio::awaitable<void> session_append(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                              RequestLog& log);
  boost::asio::awaitable<void> session_context(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                               RequestLog& log);
  boost::asio::awaitable<void> session_delete(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                              RequestLog& log);
  // Hot questions: the caller's tenant's, or with ?scope=all (admin only) every tenant's.
  boost::asio::awaitable<void> hot(http::Request& req, http::ResponseWriter& w, const Caller& caller, RequestLog& log);

  // Admin routes.
  boost::asio::awaitable<void> invalidate(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> stats(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> doc_begin(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> doc_end(http::Request& req, http::ResponseWriter& w);  // finish | fail
  boost::asio::awaitable<void> doc_get(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> key_create(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> key_list(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> key_revoke(http::Request& req, http::ResponseWriter& w);

  // Open routes.
  boost::asio::awaitable<void> readyz(http::Request& req, http::ResponseWriter& w);

 private:
  // The caller's request rate (--limits-requests-per-minute, or its key's own), shared by every
  // route that calls the upstream. False: refused, and the 429 (with its headers) was sent.
  boost::asio::awaitable<bool> within_request_rate(const Caller& caller, http::ResponseWriter& w);
  // A session id of the caller's tenant (the tenant sits inside its keys' hash tag); nullopt
  // after answering 400 for a malformed id.
  boost::asio::awaitable<std::optional<std::string>> scoped_session(const http::Request& req, http::ResponseWriter& w,
                                                                    const Caller& caller);

  using TenantHandler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&,
                                                                  const Caller&, RequestLog&);
  using Handler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&);
  // Identifies the caller, runs the handler, writes the access-log line (access_log.h).
  boost::asio::awaitable<void> as_tenant(http::Request& req, http::ResponseWriter& w, TenantHandler handler);
  // The admin gate, then the handler, then the access-log line.
  boost::asio::awaitable<void> as_admin(http::Request& req, http::ResponseWriter& w, Handler handler);
  boost::asio::awaitable<void> as_open(http::Request& req, http::ResponseWriter& w, Handler handler);
  void write_access_line(const http::Request& req, const http::ResponseWriter& w,
                         std::chrono::steady_clock::time_point start, const RequestLog& log,
                         std::string_view tenant) const;

  GatewayDeps deps_;
  GatewayOptions options_;
  GatewayMetrics metrics_;
  Authenticator authenticator_;
  ChatPipeline pipeline_;
  dashboard::ActiveSessions active_sessions_;  // distinct session ids seen in the last 5 minutes
};

}  // namespace ragcache::gateway
