// The OpenAI-compatible caching gateway: the routes of `ragcache serve`.
//
// POST /v1/chat/completions runs the request flow of docs/architecture.md:
//   validate -> session window (X-Session-Id) -> canonical key -> L1/exact lookup ->
//   single-flight (one upstream call per key across replicas; followers relay it live) ->
//   store (TTL + jitter, fenced) -> session append -> metrics.
// A hit is replayed in whichever form the caller asked for (JSON or SSE): `stream` is
// presentation, not part of the key.
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

#include "domain/cache/exact_cache.h"
#include "http/gateway/chat_request.h"
#include "http/gateway/hot_recorder.h"
#include "domain/cache/single_flight.h"
#include "domain/docs/doc_registry.h"
#include "domain/hot/hot_questions.h"
#include "domain/limits/limit_types.h"
#include "domain/limits/rate_limiter.h"
#include "domain/limits/token_quota.h"
#include "domain/session/session_store.h"
#include "domain/session/token_counter.h"
#include "domain/semantic/semantic_cache.h"
#include "embed/embedding_cache.h"
#include "http/gateway/access_log.h"
#include "http/gateway/embeddings_api.h"
#include "http/gateway/dashboard/active_sessions.h"
#include "http/gateway/prepared_answer.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/router.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

struct GatewayOptions {
  // One cache for every caller instead of one per API key (tenant = hash of the key).
  bool shared_tenant = false;
  // Send the caller's Authorization header upstream instead of the configured key.
  bool forward_authorization = false;
  // Per API key (tenant): requests per period with a burst, and token budgets (0 = unlimited).
  limits::RateLimit rate;
  limits::TokenLimits tokens;
  // Redis unreachable: let requests through (open) or refuse them (closed).
  limits::FailureMode limiter_failure = limits::FailureMode::open;
  // Tokens reserved for the answer when a request gives no max_tokens.
  std::int64_t default_completion_estimate = 512;
  // The semantic embedder's model_id() (part of every semantic partition's fingerprint).
  std::string semantic_embedder_id;
  // One JSON line per request at info level (access_log.h).
  bool access_log = true;
  EmbeddingsLimits embeddings;
};

struct GatewayDeps {
  redis::Client* cache_redis = nullptr;  // for /readyz
  redis::Client* state_redis = nullptr;
  std::shared_ptr<http::UpstreamClient> upstream;
  cache::ExactCache* exact = nullptr;
  cache::SingleFlight* flight = nullptr;
  session::SessionStore* sessions = nullptr;
  http::MetricsRegistry* metrics = nullptr;
  limits::RateLimiter* rate_limiter = nullptr;  // needed when options.rate is set
  limits::TokenQuota* token_quota = nullptr;    // needed when options.tokens is set
  hot::HotQuestions* hot = nullptr;          // optional: hot-question ranking
  HotRecorder* hot_recorder = nullptr;          // optional: batches the hot writes (else one per request)
  docs::DocRegistry* docs = nullptr;          // optional: document registry + X-Source-Docs
  std::shared_ptr<const session::TokenCounter> token_counter;  // prompt estimates for quotas
  semantic::SemanticCache* semantic = nullptr;  // optional: the semantic step (nullptr: off)
  embed::EmbeddingCache* embeddings = nullptr;  // optional: per-input cache of /v1/embeddings
};

class Gateway {
 public:
  Gateway(GatewayDeps deps, GatewayOptions options);
  ~Gateway();

  // Registers every route (chat, models, health, readiness, metrics, native API).
  void add_routes(http::Router& router);

  boost::asio::awaitable<void> chat_completions(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> chat_completions(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  // POST /v1/embeddings (embeddings_api.h).
  boost::asio::awaitable<void> embeddings(http::Request& req, http::ResponseWriter& w, RequestLog& log);
  boost::asio::awaitable<void> models(http::Request& req, http::ResponseWriter& w);
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

  struct Metrics;

 private:
  std::int64_t estimate_tokens(const ChatRequest& cr) const;
  // The tenant's request rate (--limits-requests-per-minute), shared by every endpoint that calls
  // the model. False: refused, and the 429 (with its rate-limit headers) has been sent.
  boost::asio::awaitable<bool> within_request_rate(const std::string& tenant, http::ResponseWriter& w);
  // Runs a handler and writes its access-log line (access_log.h) when the log is on.
  using Handler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&);
  using LoggedHandler = boost::asio::awaitable<void> (Gateway::*)(http::Request&, http::ResponseWriter&, RequestLog&);
  boost::asio::awaitable<void> logged(http::Request& req, http::ResponseWriter& w, LoggedHandler handler);
  boost::asio::awaitable<void> logged(http::Request& req, http::ResponseWriter& w, Handler handler);
  GatewayDeps deps_;
  GatewayOptions options_;
  std::unique_ptr<Metrics> metrics_;
  dashboard::ActiveSessions active_sessions_;  // distinct session ids seen in the last 5 minutes
  AnswerMemo answer_memo_;                     // cached answers ready to send (prepared_answer.h)
};

}  // namespace ragcache::gateway
