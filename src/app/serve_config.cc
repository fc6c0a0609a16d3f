#include "app/serve_config.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

extern char** environ;

namespace ragcache::app {
namespace {

// One configuration option: its dotted name, help, and how to read/write its field.
struct Option {
  std::string name;
  std::string help;
  std::function<Result<void>(ServeConfig&, std::string_view)> set;
  std::function<std::string(const ServeConfig&)> get;
  bool secret = false;
  bool is_string = false;
};

Result<void> parse_into(std::string& field, std::string_view v) {
  field = std::string(v);
  return {};
}
Result<void> parse_into(std::int64_t& field, std::string_view v) {
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size()) return Error(ragcache::Errc::invalid_argument, "not an integer: '" + std::string(v) + "'");
  if (x < 0) return Error(ragcache::Errc::invalid_argument, "must not be negative: '" + std::string(v) + "'");
  field = x;
  return {};
}
Result<void> parse_into(int& field, std::string_view v) {
  std::int64_t x = 0;
  auto r = parse_into(x, v);
  if (!r) return r;
  field = static_cast<int>(x);
  return {};
}
Result<void> parse_into(double& field, std::string_view v) {
  try {
    std::size_t used = 0;
    double x = std::stod(std::string(v), &used);
    if (used != v.size() || x < 0) throw std::invalid_argument("bad");
    field = x;
    return {};
  } catch (const std::exception&) {
    return Error(ragcache::Errc::invalid_argument, "not a non-negative number: '" + std::string(v) + "'");
  }
}
Result<void> parse_into(bool& field, std::string_view v) {
  if (v == "true" || v == "1" || v == "on" || v == "yes") {
    field = true;
  } else if (v == "false" || v == "0" || v == "off" || v == "no") {
    field = false;
  } else {
    return Error(ragcache::Errc::invalid_argument, "not a boolean (true/false): '" + std::string(v) + "'");
  }
  return {};
}

std::string show(const std::string& v) { return v; }
std::string show(std::int64_t v) { return std::to_string(v); }
std::string show(int v) { return std::to_string(v); }
std::string show(bool v) { return v ? "true" : "false"; }
std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

template <class T>
Option opt(std::string name, T ServeConfig::*field, std::string help, bool secret = false) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.set = [field](ServeConfig& c, std::string_view v) { return parse_into(c.*field, v); };
  o.get = [field](const ServeConfig& c) { return show(c.*field); };
  o.secret = secret;
  o.is_string = std::is_same_v<T, std::string>;
  return o;
}

const std::vector<Option>& options() {
  static const std::vector<Option> table = {
      opt("listen", &ServeConfig::listen, "HOST:PORT to listen on"),
      opt("upstream", &ServeConfig::upstream, "OpenAI-compatible base URL ending in /v1 (empty: built-in mock-llm)"),
      opt("upstream_api_key", &ServeConfig::upstream_api_key, "API key sent upstream", true),
      opt("forward_authorization", &ServeConfig::forward_authorization, "Send the caller's Authorization header upstream"),
      opt("redis", &ServeConfig::redis, "Redis URL for both roles (redis://, rediss://, unix://)", true),
      opt("cache_redis", &ServeConfig::cache_redis, "Redis URL of the cache role (RDB, allkeys-lru)", true),
      opt("state_redis", &ServeConfig::state_redis, "Redis URL of the state role (AOF, noeviction)", true),
      opt("data_dir", &ServeConfig::data_dir, "Data directory of the managed local redis-server"),
      opt("redis_server", &ServeConfig::redis_server, "redis-server binary for the managed local server"),
      opt("semantic", &ServeConfig::semantic, "Semantic cache: on|off"),
      opt("semantic_threshold", &ServeConfig::semantic_threshold,
          "Score a semantic hit must reach (0-1; 0: the embedder's default; per request: X-Semantic-Threshold)"),
      opt("semantic_max_partitions", &ServeConfig::semantic_max_partitions,
          "Semantic partitions (tenant x model x system prompt x namespace) held in memory; the least recently used beyond it is unloaded and rebuilt from Redis when needed"),
      opt("semantic_namespace_thresholds", &ServeConfig::semantic_namespace_thresholds,
          "Per-namespace thresholds, e.g. \"docs=0.95,faq=0.85\""),
      opt("embedder", &ServeConfig::embedder,
          "Embedder of the semantic cache: builtin (neural + lexical rule; lexical without the model file)|lexical|neural|openai"),
      opt("neural_model", &ServeConfig::neural_model,
          "Neural embedder's model file (empty: <data-dir>/models/use-lite-en-0.2.0.bin, fetched by scripts/fetch_model.sh)"),
      opt("embedder_url", &ServeConfig::embedder_url, "openai embedder: base URL ending in /v1 (empty: --upstream)"),
      opt("embedder_model", &ServeConfig::embedder_model, "openai embedder: model name"),
      opt("embedder_api_key", &ServeConfig::embedder_api_key, "openai embedder: API key (empty: --upstream-api-key)", true),
      opt("embedder_dimensions", &ServeConfig::embedder_dimensions,
          "openai embedder: vector size, sent as `dimensions` (0: asked from the endpoint at start-up)"),
      opt("embedder_timeout_ms", &ServeConfig::embedder_timeout_ms, "openai embedder: timeout of one call"),
      opt("embedder_batch", &ServeConfig::embedder_batch, "openai embedder: inputs per call"),
      opt("embeddings_cache_ttl_seconds", &ServeConfig::embeddings_cache_ttl_seconds,
          "TTL of cached embeddings (emb:<model>:<sha256>)"),
      opt("access_log", &ServeConfig::access_log, "One JSON line per request at info level"),
      opt("shared_tenant", &ServeConfig::shared_tenant, "One cache for all API keys (default: one per key)"),
      opt("auth", &ServeConfig::auth,
          "open: any API key, tenant = its hash; keys: only keys issued by POST /v1/ragcache/keys (401 otherwise)"),
      opt("admin_key", &ServeConfig::admin_key,
          "Key of the control plane (invalidation, documents, keys, stats, all-tenant hot); empty: loopback only",
          true),
      opt("max_connections", &ServeConfig::max_connections, "Client connections at once (0: no limit; 503 beyond)"),
      opt("io_threads", &ServeConfig::io_threads, "HTTP/IO threads (0: one per core)"),
      opt("redis_pool_size", &ServeConfig::redis_pool_size, "Multiplexed connections per Redis role"),
      opt("redis_timeout_ms", &ServeConfig::redis_timeout_ms, "Redis command timeout"),
      opt("redis_breaker_failures", &ServeConfig::redis_breaker_failures,
          "Consecutive Redis failures that open the circuit breaker (0: off)"),
      opt("redis_breaker_open_ms", &ServeConfig::redis_breaker_open_ms,
          "How long an open circuit refuses Redis commands before one probe"),
      opt("upstream_timeout_ms", &ServeConfig::upstream_timeout_ms, "Total timeout of one upstream call"),
      opt("shutdown_grace_ms", &ServeConfig::shutdown_grace_ms, "How long in-flight requests may finish on SIGTERM"),
      opt("max_body_bytes", &ServeConfig::max_body_bytes, "Largest request body (413 beyond)"),
      opt("log_level", &ServeConfig::log_level, "trace|debug|info|warn|error"),
      opt("cache.ttl_seconds", &ServeConfig::cache_ttl_seconds, "Base TTL of cached answers"),
      opt("cache.ttl_jitter_seconds", &ServeConfig::cache_ttl_jitter_seconds, "Random extra TTL in [0, J]"),
      opt("cache.compress_threshold_bytes", &ServeConfig::cache_compress_threshold_bytes, "zstd above this size"),
      opt("cache.max_entry_bytes", &ServeConfig::cache_max_entry_bytes, "Answers above this are not stored"),
      opt("cache.l1_max_bytes", &ServeConfig::cache_l1_max_bytes, "In-process L1 cache size (0: off)"),
      opt("cache.l1_ttl_ms", &ServeConfig::cache_l1_ttl_ms, "L1 entry lifetime"),
      opt("session.max_messages", &ServeConfig::session_max_messages, "Messages kept per session window"),
      opt("session.max_tokens", &ServeConfig::session_max_tokens, "Tokens kept per session window"),
      opt("session.idle_ttl_seconds", &ServeConfig::session_idle_ttl_seconds, "Session expiry after inactivity"),
      opt("session.token_encoding", &ServeConfig::session_token_encoding,
          "Token counting of session windows: cl100k_base|o200k_base|estimate"),
      opt("limits.requests_per_minute", &ServeConfig::limits_requests_per_minute, "Per API key (0: unlimited)"),
      opt("limits.burst", &ServeConfig::limits_burst, "Extra requests allowed in a burst"),
      opt("limits.tokens_per_minute", &ServeConfig::limits_tokens_per_minute, "Per API key (0: unlimited)"),
      opt("limits.tokens_per_day", &ServeConfig::limits_tokens_per_day, "Per API key (0: unlimited)"),
      opt("limits.on_redis_error", &ServeConfig::limits_on_redis_error,
          "Redis unreachable: open (let requests through) or closed (refuse them)"),
      opt("mock.latency_ms", &ServeConfig::mock_latency_ms, "Built-in mock-llm: latency per request"),
      opt("mock.tokens_per_sec", &ServeConfig::mock_tokens_per_sec, "Built-in mock-llm: stream pacing (0: none)"),
  };
  return table;
}

std::string env_name(const std::string& name) {
  std::string out = "RAGCACHE_";
  for (char c : name) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string flag_name(const std::string& name) {
  std::string out = "--";
  for (char c : name) out += (c == '.' || c == '_') ? '-' : c;
  return out;
}

}  // namespace

ServeConfigLoader::ServeConfigLoader(CLI::App& cmd) : cmd_(cmd) {
  cmd.add_option("--config", config_file_, "TOML configuration file (also RAGCACHE_CONFIG)");
  cmd.add_flag("--print-config", print_config_, "Print the effective configuration and exit");
  for (const auto& o : options()) {
    auto* flag = cmd.add_option(flag_name(o.name));
    flag->description(o.help + " [env " + env_name(o.name) + "]")->expected(1)->type_name("VALUE");
    std::string name = o.name;
    flag->each([this, name](const std::string& v) { flag_values_[name] = v; });
  }
}

Result<ServeConfig> ServeConfigLoader::load(const std::map<std::string, std::string>& env) const {
  ServeConfig config;
  std::string file = config_file_;
  if (file.empty()) {
    if (auto it = env.find("RAGCACHE_CONFIG"); it != env.end()) file = it->second;
  }
  if (!file.empty()) {
    toml::table tbl;
    try {
      tbl = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << file << ": " << e.description() << " (line " << e.source().begin.line << ")";
      return Error(ragcache::Errc::invalid_argument, msg.str());
    }
    // Unknown keys are mistakes (a typo would silently do nothing): reject them.
    std::vector<std::string> known;
    for (const auto& o : options()) known.push_back(o.name);
    std::string unknown;
    tbl.for_each([&](const toml::key& k, auto& node) {
      std::vector<std::string> names;
      if constexpr (toml::is_table<decltype(node)>) {
        node.for_each([&](const toml::key& sub, auto&) { names.push_back(std::string(k.str()) + "." + std::string(sub.str())); });
      } else {
        names.push_back(std::string(k.str()));
      }
      for (auto& n : names) {
        if (std::find(known.begin(), known.end(), n) == known.end()) unknown += (unknown.empty() ? "" : ", ") + n;
      }
    });
    if (!unknown.empty()) return Error(ragcache::Errc::invalid_argument, file + ": unknown option(s): " + unknown);
    for (const auto& o : options()) {
      auto node = tbl.at_path(o.name);
      if (!node) continue;
      std::string text;
      if (auto s = node.value<std::string>(); s && node.is_string()) {
        text = *s;
      } else if (auto i = node.value<std::int64_t>(); i && node.is_integer()) {
        text = std::to_string(*i);
      } else if (auto b = node.value<bool>(); b && node.is_boolean()) {
        text = *b ? "true" : "false";
      } else if (auto d = node.value<double>(); d && node.is_floating_point()) {
        text = show(*d);
      } else {
        return Error(ragcache::Errc::invalid_argument, file + ": " + o.name + ": unsupported value type");
      }
      if (auto r = o.set(config, text); !r) return Error(r.error().code, file + ": " + o.name + ": " + r.error().detail);
    }
  }
  for (const auto& o : options()) {
    auto it = env.find(env_name(o.name));
    if (it == env.end()) continue;
    if (auto r = o.set(config, it->second); !r) return Error(r.error().code, env_name(o.name) + ": " + r.error().detail);
  }
  for (const auto& o : options()) {
    auto it = flag_values_.find(o.name);
    if (it == flag_values_.end()) continue;
    if (auto r = o.set(config, it->second); !r) return Error(r.error().code, flag_name(o.name) + ": " + r.error().detail);
  }
  if (config.semantic != "on" && config.semantic != "off") {
    return Error(ragcache::Errc::invalid_argument, "semantic must be 'on' or 'off', not '" + config.semantic + "'");
  }
  if (config.semantic_threshold < 0 || config.semantic_threshold > 1) {
    return Error(ragcache::Errc::invalid_argument, "semantic_threshold must be within [0, 1] (0: the embedder's default)");
  }
  if (auto r = parse_namespace_thresholds(config.semantic_namespace_thresholds); !r) {
    return Error(r.error().code, "semantic_namespace_thresholds: " + r.error().detail);
  }
  if (config.embedder != "builtin" && config.embedder != "lexical" && config.embedder != "neural" &&
      config.embedder != "openai") {
    return Error(ragcache::Errc::invalid_argument,
                 "embedder must be 'builtin', 'lexical', 'neural' or 'openai', not '" + config.embedder + "'");
  }
  if (config.embedder_batch < 1 || config.embedder_batch > 2048) {
    return Error(ragcache::Errc::invalid_argument, "embedder_batch must be within 1..2048");
  }
  if (config.auth != "open" && config.auth != "keys") {
    return Error(ragcache::Errc::invalid_argument, "auth must be 'open' or 'keys', not '" + config.auth + "'");
  }
  if (!config.admin_key.empty() && config.admin_key.size() < 16) {
    return Error(ragcache::Errc::invalid_argument, "admin_key must be at least 16 characters");
  }
  if (config.semantic_max_partitions < 1) {
    return Error(ragcache::Errc::invalid_argument, "semantic_max_partitions must be >= 1");
  }
  if (config.max_connections < 0) return Error(ragcache::Errc::invalid_argument, "max_connections must be >= 0");
  if (config.limits_on_redis_error != "open" && config.limits_on_redis_error != "closed") {
    return Error(ragcache::Errc::invalid_argument,
                 "limits.on_redis_error must be 'open' or 'closed', not '" + config.limits_on_redis_error + "'");
  }
  if (config.redis_breaker_failures < 0 || config.redis_breaker_open_ms < 1) {
    return Error(ragcache::Errc::invalid_argument,
                 "redis_breaker_failures must be >= 0 (0: off) and redis_breaker_open_ms >= 1");
  }
  return config;
}

Result<std::vector<std::pair<std::string, float>>> parse_namespace_thresholds(std::string_view text) {
  std::vector<std::pair<std::string, float>> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    double value = 0;
    if (eq == std::string_view::npos || eq == 0 || !parse_into(value, item.substr(eq + 1)) || value <= 0 || value > 1) {
      return Error(ragcache::Errc::invalid_argument, "expected name=threshold with a threshold in (0, 1], got '" +
                                                         std::string(item) + "'");
    }
    out.emplace_back(std::string(item.substr(0, eq)), static_cast<float>(value));
  }
  return out;
}

std::string to_toml(const ServeConfig& config) {
  std::string top, out;
  std::map<std::string, std::string> tables;
  for (const auto& o : options()) {
    std::string value = o.get(config);
    if (o.secret && !value.empty()) value = "***";
    std::string rendered = value;
    if (o.is_string) {
      std::ostringstream quoted;
      quoted << toml::value<std::string>(value);  // toml++ escapes as TOML requires
      rendered = quoted.str();
    }
    auto dot = o.name.find('.');
    if (dot == std::string::npos) {
      top += o.name + " = " + rendered + "\n";
    } else {
      tables[o.name.substr(0, dot)] += o.name.substr(dot + 1) + " = " + rendered + "\n";
    }
  }
  out = top;
  for (auto& [name, body] : tables) out += "\n[" + name + "]\n" + body;
  return out;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

}  // namespace ragcache::app
