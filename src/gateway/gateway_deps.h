// What the gateway is built from (GatewayDeps: the clients and domain objects it calls, owned
// by the caller) and how it behaves (GatewayOptions: the `serve` configuration it needs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "domain/auth/key_store.h"
#include "domain/cache/exact_cache.h"
#include "domain/cache/single_flight.h"
#include "domain/docs/doc_registry.h"
#include "domain/hot/hot_questions.h"
#include "domain/limits/limit_types.h"
#include "domain/limits/rate_limiter.h"
#include "domain/limits/token_quota.h"
#include "domain/semantic/semantic_cache.h"
#include "domain/session/session_store.h"
#include "domain/session/token_counter.h"
#include "embed/embedding_cache.h"
#include "http/metrics.h"
#include "http/upstream_client.h"
#include "openai/embeddings_wire.h"

namespace ragcache::gateway {

class HotRecorder;

enum class AuthMode { open, keys };

struct GatewayOptions {
  // open: any key, tenant = hash of the key; keys: only keys issued by /v1/ragcache/keys.
  AuthMode auth = AuthMode::open;
  // The operator's key for the control plane ("" = loopback callers only).
  std::string admin_key;
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
  openai::EmbeddingsLimits embeddings;
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
  auth::KeyStore* keys = nullptr;               // issued API keys (needed with AuthMode::keys)
};

}  // namespace ragcache::gateway
