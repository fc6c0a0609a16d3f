// Issued API keys in the state Redis, and their in-process lookup cache.
//
//   apikey:{<sha256 of the secret>}   Hash: the record (api_key.h); never the secret itself
//   apikey:id:{<id>}                  String: the sha256, so a key can be revoked by its id
//   apikey:index                      Set: every id, for `ragcache keys list`
//
// Revocation marks the record (revoked = 1) rather than deleting it, so a list shows it and a
// replayed key keeps failing. Each gateway remembers a lookup (found or not) for at most
// `cache_ttl` (2 s by default): a key revoked on one replica stops working on every replica
// within that time, and a client with a valid key costs one Redis read per key per 2 s. The
// cache is bounded (max_cached entries; when full it starts over), so random keys cannot grow it.
//
// Thread-safe. The Client must outlive the store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "domain/auth/api_key.h"
#include "redis/client.h"

namespace ragcache::auth {

struct KeyStoreOptions {
  std::string key_prefix = "apikey:";
  std::chrono::milliseconds cache_ttl{2000};
  std::size_t max_cached = 100000;
};

struct CreatedKey {
  KeyRecord record;
  std::string secret;  // shown once
};

class KeyStore {
 public:
  explicit KeyStore(redis::Client& state, KeyStoreOptions options = {});

  // Errors: invalid_argument (tenant name, negative limits), Redis errors.
  boost::asio::awaitable<Result<CreatedKey>> create(std::string tenant, KeyLimits limits);
  // The record of a live key, nullopt for an unknown or revoked one (cached, see above).
  boost::asio::awaitable<Result<std::optional<KeyRecord>>> lookup(std::string_view secret);
  // Every key (revoked ones too), oldest first.
  boost::asio::awaitable<Result<std::vector<KeyRecord>>> list();
  // False when no key has that id.
  boost::asio::awaitable<Result<bool>> revoke(std::string_view id);

 private:
  std::string record_key(std::string_view sha) const;
  std::string id_key(std::string_view id) const;
  boost::asio::awaitable<Result<std::optional<KeyRecord>>> read(std::string_view sha);

  struct Cached {
    std::optional<KeyRecord> record;
    std::chrono::steady_clock::time_point expires;
  };
  redis::Client& state_;
  KeyStoreOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // sha256 -> lookup
};

}  // namespace ragcache::auth
