// Options of the Redis client, with defaults. The config file's [redis] table maps onto these.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace ragcache::redis {

struct ConnectionOptions {
  // Connect + TLS handshake + AUTH/SELECT/SETNAME must finish within this.
  std::chrono::milliseconds connect_timeout{2000};
  // Default deadline of one command (or one pipeline), from the call until its reply.
  // A connection whose oldest in-flight command passes its deadline is considered stuck and is
  // dropped: everything in flight on it fails with Errc::timeout, and it reconnects.
  std::chrono::milliseconds command_timeout{1000};
  // Commands queued or in flight on one connection; one more fails at once with Errc::queue_full.
  std::size_t max_pending = 20000;
  // CLIENT SETNAME value (visible in CLIENT LIST); empty: not set.
  std::string client_name = "ragcache";
  // Reconnect backoff: min, doubling per failed attempt up to max, with jitter.
  std::chrono::milliseconds reconnect_min{20};
  std::chrono::milliseconds reconnect_max{2000};
  // rediss://: CA file to verify the server with (PEM); empty: the system's default CA store.
  std::string tls_ca_file = {};
  bool tls_verify = true;
};

// State of a Client's circuit breaker (circuit_breaker.h).
enum class CircuitState { closed = 0, open = 1, half_open = 2 };

// The circuit breaker in front of a Client: after failure_threshold consecutive commands failed
// for want of Redis (timeout, connection lost, not connected), commands fail at once with
// Errc::circuit_open for open_duration; then one probe command is let through, and its outcome
// closes the circuit again or reopens it. Off by default (failure_threshold 0).
struct CircuitBreakerOptions {
  std::size_t failure_threshold = 0;
  std::chrono::milliseconds open_duration{1000};
  // Called on every change of state, under the breaker's lock: keep it quick (update a metric,
  // log a line) and never call into the client from it.
  std::function<void(CircuitState from, CircuitState to)> on_state_change = {};
};

struct ClientOptions {
  std::string url = "redis://127.0.0.1:6379";
  // Multiplexed connections in the pool; each carries many concurrent commands (pipelining).
  std::size_t pool_size = 2;
  ConnectionOptions connection = {};
  CircuitBreakerOptions circuit_breaker = {};
};

}  // namespace ragcache::redis
