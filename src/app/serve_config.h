// The configuration of `ragcache serve`, from four sources in rising precedence:
//   built-in defaults < TOML file (--config / RAGCACHE_CONFIG) < RAGCACHE_<NAME> env < --flags.
//
// Every option is one row of a table (serve_config.cc) that names it once: dotted name
// "limits.requests_per_minute" -> TOML key [limits] requests_per_minute, env
// RAGCACHE_LIMITS_REQUESTS_PER_MINUTE, flag --limits-requests-per-minute. The rows map one to
// one onto ServeConfig's fields (and from there onto the options structs of each layer).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace CLI {
class App;
}

namespace ragcache::app {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string upstream;  // OpenAI-compatible base URL ending in /v1; empty: built-in mock-llm
  std::string upstream_api_key;
  bool forward_authorization = false;  // send the caller's Authorization upstream
  std::string redis;        // sets both roles
  std::string cache_redis;  // cache role (RDB, allkeys-lru)
  std::string state_redis;  // state role (AOF, noeviction)
  std::string data_dir = "./.ragcache";
  std::string redis_server = "redis-server";  // binary used for the managed local server
  std::string semantic = "on";
  double semantic_threshold = 0;  // 0: the embedder's calibrated default (builtin 0.935, lexical 0.90)
  std::string semantic_namespace_thresholds;  // "ns=0.95,other=0.85"
  std::int64_t semantic_max_partitions = 64;  // partitions held in memory (LRU unload beyond)
  std::string embedder = "builtin";           // builtin | lexical | neural | openai (the semantic cache's)
  std::string neural_model;                   // model file; empty: <data_dir>/models/use-lite-en-0.2.0.bin
  std::string embedder_url;                   // openai: base URL ending in /v1; empty: the upstream
  std::string embedder_model = "text-embedding-3-small";
  std::string embedder_api_key;               // empty: the upstream API key
  std::int64_t embedder_dimensions = 0;       // 0: asked from the endpoint at start-up
  std::int64_t embedder_timeout_ms = 2000;  // per call; a miss waits at most ~2 calls for the embedder
  std::int64_t embedder_batch = 64;
  std::int64_t embeddings_cache_ttl_seconds = 7 * 86400;
  bool access_log = true;
  bool shared_tenant = false;
  std::string auth = "open";  // open: any key, tenant = its hash; keys: only issued keys
  std::string admin_key;      // the control plane's key; empty: loopback callers only
  std::int64_t max_connections = 10000;  // client connections at once (0: no limit)
  int io_threads = 0;  // 0: one per core
  int redis_pool_size = 4;
  std::int64_t redis_timeout_ms = 1000;
  // Circuit breaker per Redis role: this many consecutive failures (timeouts, lost connections)
  // make commands fail at once (cache bypassed, sessions 503) for redis_breaker_open_ms, then
  // one probe decides; 0 turns it off.
  std::int64_t redis_breaker_failures = 5;
  std::int64_t redis_breaker_open_ms = 1000;
  std::int64_t upstream_timeout_ms = 600000;
  std::int64_t shutdown_grace_ms = 10000;
  std::int64_t max_body_bytes = 10 * 1024 * 1024;
  std::string log_level = "info";

  std::int64_t cache_ttl_seconds = 86400;
  std::int64_t cache_ttl_jitter_seconds = 3600;
  std::int64_t cache_compress_threshold_bytes = 4096;
  std::int64_t cache_max_entry_bytes = 4 * 1024 * 1024;
  std::int64_t cache_l1_max_bytes = 64 * 1024 * 1024;
  std::int64_t cache_l1_ttl_ms = 5000;

  std::int64_t session_max_messages = 20;
  std::int64_t session_max_tokens = 4000;
  std::int64_t session_idle_ttl_seconds = 86400;
  std::string session_token_encoding = "cl100k_base";  // or o200k_base, or estimate

  std::int64_t limits_requests_per_minute = 0;  // 0 = unlimited
  std::int64_t limits_burst = 0;
  std::int64_t limits_tokens_per_minute = 0;
  std::int64_t limits_tokens_per_day = 0;
  std::string limits_on_redis_error = "open";  // Redis unreachable: open (allow) or closed (refuse)

  std::int64_t mock_latency_ms = 20;  // built-in mock-llm only
  double mock_tokens_per_sec = 0;

  // The effective Redis URLs of the two roles ("" when neither --redis nor the role is set).
  std::string cache_redis_url() const { return cache_redis.empty() ? redis : cache_redis; }
  std::string state_redis_url() const { return state_redis.empty() ? redis : state_redis; }
};

// Binds every option to `cmd` as a flag (plus --config and --print-config).
class ServeConfigLoader {
 public:
  explicit ServeConfigLoader(CLI::App& cmd);
  // After CLI parsing: defaults, then file, then environment, then flags. Errors name the
  // source and the option (e.g. "RAGCACHE_CACHE_TTL_SECONDS: not an integer: 'abc'").
  Result<ServeConfig> load(const std::map<std::string, std::string>& env) const;
  bool print_config() const { return print_config_; }

 private:
  std::map<std::string, std::string> flag_values_;  // dotted name -> value given on the command line
  std::string config_file_;
  bool print_config_ = false;
  CLI::App& cmd_;
};

// "ns=0.95, other=0.85" -> {{"ns",0.95},{"other",0.85}}; empty text -> none. Thresholds in (0, 1].
Result<std::vector<std::pair<std::string, float>>> parse_namespace_thresholds(std::string_view text);

// The effective configuration as TOML (what --print-config shows; secrets masked).
std::string to_toml(const ServeConfig& config);

// The process environment as a map (for ServeConfigLoader::load).
std::map<std::string, std::string> process_environment();

}  // namespace ragcache::app
