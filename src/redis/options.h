// Options of the Redis client, with defaults. The config file's [redis] table maps onto these.
#pragma once

#include <chrono>
#include <cstddef>
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
  std::string tls_ca_file;
  bool tls_verify = true;
};

struct ClientOptions {
  std::string url = "redis://127.0.0.1:6379";
  // Multiplexed connections in the pool; each carries many concurrent commands (pipelining).
  std::size_t pool_size = 2;
  ConnectionOptions connection;
};

}  // namespace ragcache::redis
