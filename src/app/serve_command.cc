// `ragcache serve`: the OpenAI-compatible caching gateway.
//
// With no Redis URL it starts and owns a local redis-server (managed_redis.h); with no upstream it
// starts the built-in mock-llm in-process, so the two-command quick start needs nothing else.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "app/builtin_embedder.h"
#include "app/commands.h"
#include "app/managed_redis.h"
#include "app/serve_config.h"
#include "domain/cache/exact_cache.h"
#include "domain/cache/single_flight.h"
#include "domain/session/bpe_token_counter.h"
#include "domain/semantic/semantic_cache.h"
#include "domain/session/session_store.h"
#include "embed/embedding_cache.h"
#include "embed/hashed_ngram_embedder.h"
#include "embed/openai_embedder.h"
#include "domain/auth/key_store.h"
#include "gateway/gateway.h"
#include "gateway/hot_recorder.h"
#include "gateway/upstream_embedding_transport.h"
#include "http/io_threads.h"
#include "http/listen_address.h"
#include "http/metrics.h"
#include "mock_llm/mock_llm.h"
#include "http/server.h"
#include "http/upstream_client.h"
#include "redis/client.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "ragcache serve: " << message << "\n";
  throw CLI::RuntimeError(1);
}

void print_banner(const ServeConfig& config, const http::ListenAddress& addr, bool mock, const std::string& redis_desc) {
  const std::string base = "http://" + addr.host + ":" + std::to_string(addr.port) + "/v1";
  std::cout << "ragcache gateway listening on " << base << "\n"
            << "  upstream: " << (mock ? "built-in mock-llm (no --upstream given)" : config.upstream) << "\n"
            << "  redis:    " << redis_desc << "\n\n"
            << "Try it:\n"
            << "  curl -s " << base << "/chat/completions -H 'Content-Type: application/json' \\\n"
            << "    -d '{\"model\":\"mock-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"What is Redis?\"}]}' -i\n"
            << "  (run it twice: the second answer carries X-Cache: HIT)\n\n"
            << "From the OpenAI Python SDK:\n"
            << "  from openai import OpenAI\n"
            << "  client = OpenAI(base_url=\"" << base << "\", api_key=\"any\")\n"
            << "  client.chat.completions.create(model=\"mock-gpt\", messages=[{\"role\":\"user\",\"content\":\"hi\"}])\n\n"
            << "From Node:  new OpenAI({ baseURL: \"" << base << "\", apiKey: \"any\" })\n"
            << "Metrics: " << "http://" << addr.host << ":" << addr.port << "/metrics   Stop: Ctrl-C\n"
            << std::flush;
}

// The circuit breaker of one Redis role's client, exported as
// ragcache_redis_circuit_state{role} (0 closed, 1 open, 2 half-open) and
// ragcache_redis_circuit_open_total{role}. Commands refused while it is open fail at once, so the
// gateway bypasses the cache (counted in ragcache_redis_errors_total) instead of waiting.
redis::CircuitBreakerOptions circuit_breaker_options(const ServeConfig& config, http::MetricsRegistry& metrics,
                                                     const std::string& role) {
  redis::CircuitBreakerOptions options;
  options.failure_threshold = static_cast<std::size_t>(config.redis_breaker_failures);
  options.open_duration = std::chrono::milliseconds(config.redis_breaker_open_ms);
  auto& state = metrics.gauge("redis_circuit_state", "Redis circuit breaker: 0 closed, 1 open, 2 half-open", {"role"})
                    .with({role});
  auto& opened = metrics.counter("redis_circuit_open_total", "Times the Redis circuit breaker opened", {"role"})
                     .with({role});
  options.on_state_change = [&state, &opened, role](redis::CircuitState from, redis::CircuitState to) {
    state.set(static_cast<double>(to));
    if (to == redis::CircuitState::open) {
      opened.inc();
      if (from == redis::CircuitState::closed) spdlog::warn("redis {}: circuit open, bypassing it", role);
    } else if (to == redis::CircuitState::closed) {
      spdlog::info("redis {}: circuit closed, Redis answers again", role);
    }
  };
  return options;
}

// The semantic cache and what it needs: a built-in embedder and rule (builtin_embedder.h), or an
// OpenAI-compatible embedder behind the embeddings cache. Members in destruction order (cache first).
struct SemanticParts {
  std::shared_ptr<http::UpstreamClient> embed_client;
  std::unique_ptr<gateway::UpstreamEmbeddingTransport> transport;
  std::unique_ptr<embed::Embedder> base;
  std::unique_ptr<embed::CachedEmbedder> cached;
  embed::Embedder* embedder = nullptr;
  std::unique_ptr<semantic::SemanticCache> cache;
};

Result<SemanticParts> make_semantic_cache(asio::io_context& ctx, const ServeConfig& config, const std::string& upstream_url,
                                          redis::Client& redis, embed::EmbeddingCache& embedding_cache) {
  SemanticParts parts;
  semantic::SemanticCacheOptions options;
  options.threshold = embed::kHashedNgramDefaultThreshold;  // openai: no calibrated default
  options.max_partitions = static_cast<std::size_t>(config.semantic_max_partitions);
  if (config.embedder != "openai") {
    const std::string model = config.neural_model.empty() ? default_neural_model_path(config.data_dir) : config.neural_model;
    auto builtin = make_builtin_semantic(config.embedder, model);
    if (!builtin) return Error(builtin.error().code, "--embedder " + config.embedder + ": " + builtin.error().message());
    if (!builtin->fallback.empty()) spdlog::warn("semantic cache: {}", builtin->fallback);
    spdlog::info("semantic cache embedder: {}", builtin->description);
    parts.base = std::move(builtin->embedder);
    parts.embedder = parts.base.get();
    options.rule = builtin->rule;
    options.threshold = builtin->default_threshold;
  } else {
    const auto timeout = std::chrono::milliseconds(std::max<std::int64_t>(1, config.embedder_timeout_ms));
    const std::string url = config.embedder_url.empty() ? upstream_url : config.embedder_url;
    auto client = http::UpstreamClient::create(
        ctx.get_executor(), {.base_url = url,
                             .connect_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(5)),
                             .first_byte_timeout = timeout,
                             .idle_read_timeout = timeout,
                             .total_timeout = timeout});
    if (!client) return Error(client.error().code, "--embedder-url: " + client.error().message());
    parts.embed_client = *client;
    parts.transport = std::make_unique<gateway::UpstreamEmbeddingTransport>(parts.embed_client);
    auto e = embed::OpenAiEmbedder::create(
        *parts.transport, {.model = config.embedder_model,
                           .api_key = config.embedder_api_key.empty() ? config.upstream_api_key : config.embedder_api_key,
                           .dimensions = static_cast<std::size_t>(config.embedder_dimensions),
                           .max_batch = static_cast<std::size_t>(config.embedder_batch),
                           // The semantic step runs on a chat miss's path: one retry, not more.
                           .max_attempts = 2});
    if (!e) return e.error();
    if ((*e)->dimension() == 0) {
      // The semantic cache needs the vector size before its first lookup: ask the endpoint now.
      std::optional<Result<void>> probed;
      auto* openai = e->get();
      asio::co_spawn(ctx, [&probed, openai]() -> asio::awaitable<void> { probed = co_await openai->probe(); },
                     asio::detached);
      while (!probed && ctx.run_one() > 0) {
      }
      ctx.restart();
      if (!probed || !*probed) {
        return Error(Errc::unavailable, "--embedder openai: could not reach " + url + "/embeddings to learn the vector size (" +
                                            (probed ? probed->error().message() : std::string("no answer")) +
                                            "); set --embedder-dimensions to start without asking");
      }
    }
    parts.base = std::move(*e);
    parts.cached = std::make_unique<embed::CachedEmbedder>(*parts.base, embedding_cache);
    parts.embedder = parts.cached.get();
  }
  if (config.semantic_threshold > 0) options.threshold = static_cast<float>(config.semantic_threshold);
  auto cache = semantic::SemanticCache::create(redis, *parts.embedder, options);
  if (!cache) return cache.error();
  auto thresholds = parse_namespace_thresholds(config.semantic_namespace_thresholds);
  if (!thresholds) return thresholds.error();
  for (const auto& [ns, t] : *thresholds) {
    if (auto r = (*cache)->thresholds().set_for_namespace(ns, t); !r) return r.error();
  }
  parts.cache = std::move(*cache);
  return parts;
}

gateway::GatewayOptions gateway_options_of(const ServeConfig& config, std::string embedder_id,
                                           limits::FailureMode limits_on_error) {
  gateway::GatewayOptions o;
  o.auth = config.auth == "keys" ? gateway::AuthMode::keys : gateway::AuthMode::open;
  o.admin_key = config.admin_key;
  o.shared_tenant = config.shared_tenant;
  o.forward_authorization = config.forward_authorization;
  o.access_log = config.access_log;
  o.semantic_embedder_id = std::move(embedder_id);
  o.rate = {.limit = config.limits_requests_per_minute, .period = std::chrono::minutes(1), .burst = config.limits_burst};
  o.tokens = {.per_minute = config.limits_tokens_per_minute, .per_day = config.limits_tokens_per_day};
  o.limiter_failure = limits_on_error;
  return o;
}

int run_serve(const ServeConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  auto listen = http::parse_listen_address(config.listen);
  if (!listen) fail(listen.error().message());

  // Redis: the given URLs, or a managed local server for both roles.
  std::unique_ptr<ManagedRedis> managed;
  std::string cache_url = config.cache_redis_url(), state_url = config.state_redis_url();
  if (cache_url.empty() || state_url.empty()) {
    auto started = ManagedRedis::start({.data_dir = config.data_dir, .redis_server = config.redis_server});
    if (!started) fail(started.error().message());
    managed = std::move(*started);
    if (cache_url.empty()) cache_url = managed->url();
    if (state_url.empty()) state_url = managed->url();
  }

  asio::io_context ctx;
  http::MetricsRegistry metrics;
  redis::ClientOptions redis_options;
  redis_options.pool_size = static_cast<std::size_t>(std::max(1, config.redis_pool_size));
  redis_options.connection.command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
  redis_options.url = cache_url;
  redis_options.circuit_breaker = circuit_breaker_options(config, metrics, "cache");
  auto cache_redis = redis::Client::create(ctx.get_executor(), redis_options);
  if (!cache_redis) fail("--cache-redis: " + cache_redis.error().message());
  redis_options.url = state_url;
  redis_options.circuit_breaker = circuit_breaker_options(config, metrics, "state");
  auto state_redis = redis::Client::create(ctx.get_executor(), redis_options);
  if (!state_redis) fail("--state-redis: " + state_redis.error().message());

  // Upstream: the given one, or the built-in mock-llm on a free local port.
  std::unique_ptr<mock::MockLlm> mock;
  std::unique_ptr<http::Server> mock_server;
  std::string upstream_url = config.upstream;
  if (upstream_url.empty()) {
    mock = std::make_unique<mock::MockLlm>(mock::MockLlmOptions{
        .latency = std::chrono::milliseconds(config.mock_latency_ms), .tokens_per_sec = config.mock_tokens_per_sec});
    http::Router mock_router;
    mock->add_routes(mock_router);
    mock_server = std::make_unique<http::Server>(ctx, http::ServerOptions{.host = "127.0.0.1", .port = 0}, std::move(mock_router));
    if (auto r = mock_server->listen(); !r) fail("mock-llm: " + r.error().message());
    mock_server->start();
    upstream_url = "http://127.0.0.1:" + std::to_string(mock_server->port()) + "/v1";
  }
  auto upstream = http::UpstreamClient::create(
      ctx.get_executor(), {.base_url = upstream_url, .api_key = config.upstream_api_key,
                           .total_timeout = std::chrono::milliseconds(config.upstream_timeout_ms)});
  if (!upstream) fail("--upstream: " + upstream.error().message());

  cache::ExactCacheOptions cache_options;
  cache_options.ttl_base = std::chrono::seconds(config.cache_ttl_seconds);
  cache_options.ttl_jitter = std::chrono::seconds(config.cache_ttl_jitter_seconds);
  cache_options.codec.compress_threshold = static_cast<std::size_t>(config.cache_compress_threshold_bytes);
  cache_options.codec.max_entry_bytes = static_cast<std::size_t>(config.cache_max_entry_bytes);
  cache_options.l1_max_bytes = static_cast<std::size_t>(config.cache_l1_max_bytes);
  cache_options.l1_ttl = std::chrono::milliseconds(config.cache_l1_ttl_ms);
  cache::ExactCache exact(**cache_redis, cache_options);
  exact.start_invalidation_listener();
  cache::SingleFlight flight(exact);
  session::SessionOptions session_options;
  session_options.max_messages = static_cast<std::size_t>(config.session_max_messages);
  session_options.max_tokens = static_cast<std::size_t>(config.session_max_tokens);
  session_options.idle_ttl = std::chrono::seconds(config.session_idle_ttl_seconds);
  auto counter = session::make_token_counter(config.session_token_encoding);
  if (!counter) {
    spdlog::warn("session token counting: {} -- falling back to the estimate", counter.error().message());
    counter = session::estimate_token_counter();
  }
  session::SessionStore sessions(**state_redis, session_options, *counter);

  // Redis unreachable: the limits let requests through (open) or refuse them (closed).
  const auto limits_on_error =
      config.limits_on_redis_error == "closed" ? limits::FailureMode::closed : limits::FailureMode::open;
  limits::RateLimiter rate_limiter(**state_redis, {.on_error = limits_on_error});
  limits::TokenQuota token_quota(**state_redis, {.on_error = limits_on_error});
  hot::HotQuestions hot(**cache_redis);
  gateway::HotRecorder hot_recorder(hot, ctx.get_executor());  // batched hot-question writes
  docs::DocRegistry docs(**state_redis, **cache_redis);
  // Embeddings cache (emb:<model>:<sha256>): for /v1/embeddings and the openai embedder.
  embed::EmbeddingCache embedding_cache(**cache_redis,
                                        {.ttl = std::chrono::seconds(std::max<std::int64_t>(1, config.embeddings_cache_ttl_seconds))});
  SemanticParts semantic_parts;
  if (config.semantic == "on") {
    auto parts = make_semantic_cache(ctx, config, upstream_url, **cache_redis, embedding_cache);
    if (!parts) fail(parts.error().message());
    semantic_parts = std::move(*parts);
  }
  auth::KeyStore keys(**state_redis);
  const std::string embedder_id = semantic_parts.embedder ? std::string(semantic_parts.embedder->model_id()) : "";
  gateway::Gateway gw({.cache_redis = cache_redis->get(),
                       .state_redis = state_redis->get(),
                       .upstream = *upstream,
                       .exact = &exact,
                       .flight = &flight,
                       .sessions = &sessions,
                       .metrics = &metrics,
                       .rate_limiter = &rate_limiter,
                       .token_quota = &token_quota,
                       .hot = &hot,
                       .hot_recorder = &hot_recorder,
                       .docs = &docs,
                       .token_counter = *counter,
                       .semantic = semantic_parts.cache.get(),
                       .embeddings = &embedding_cache,
                       .keys = &keys},
                      gateway_options_of(config, embedder_id, limits_on_error));
  http::Router router;
  gw.add_routes(router);
  http::Server server(ctx,
                      {.host = listen->host,
                       .port = listen->port,
                       .body_limit = static_cast<std::size_t>(config.max_body_bytes),
                       .max_connections = static_cast<std::size_t>(config.max_connections),
                       .metrics = &metrics},
                      std::move(router));
  if (auto r = server.listen(); !r) fail("--listen " + config.listen + ": " + r.error().message());
  server.start();
  http::ListenAddress bound{listen->host, server.port()};
  print_banner(config, bound, mock != nullptr, managed ? managed->url() + " (managed, data in " + config.data_dir + ")" : cache_url);

  // SIGINT/SIGTERM: stop accepting, let requests in flight finish, then stop everything.
  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down (grace {} ms)", sig, config.shutdown_grace_ms);
    asio::co_spawn(ctx, [&]() -> asio::awaitable<void> {
      co_await server.stop(std::chrono::milliseconds(config.shutdown_grace_ms));
      co_await hot_recorder.stop();  // the counts of the last requests, before Redis goes
      // Tails blocked on Redis end now, while the io_context runs: stopped later, a tail and its
      // connection would keep each other alive for good.
      co_await exact.stop_invalidation_listener(std::chrono::milliseconds(1000));
      if (semantic_parts.cache) co_await semantic_parts.cache->stop(std::chrono::milliseconds(1000));
      semantic_parts.cache.reset();  // while the io_context runs
      if (mock_server) co_await mock_server->stop(std::chrono::milliseconds(100));
      ctx.stop();
    }, asio::detached);
  });
  {
    http::IoThreads threads(ctx, config.io_threads);
    threads.join();
  }
  if (managed) managed->stop();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the OpenAI-compatible caching gateway");
  auto loader = std::make_shared<ServeConfigLoader>(*cmd);
  cmd->callback([loader] {
    auto config = loader->load(process_environment());
    if (!config) fail(config.error().message());
    if (loader->print_config()) {
      std::cout << to_toml(*config);
      return;
    }
    if (int rc = run_serve(*config); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
