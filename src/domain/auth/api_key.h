// API keys the gateway issues (`serve --auth keys`), as pure values: what an issued key holds,
// how a secret is made and hashed, and the stored form of a record.
//
// A key's secret is shown once, at creation; only its SHA-256 is stored (`apikey:{sha256}`, a
// Hash in the state role), so a copy of Redis does not hand out working keys. The record names
// the tenant whose state the key reaches and the key's own limits (0 = the global default).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ragcache::auth {

struct KeyLimits {
  std::int64_t requests_per_minute = 0;  // 0: the gateway's global setting
  std::int64_t tokens_per_minute = 0;
  std::int64_t tokens_per_day = 0;
};

struct KeyRecord {
  std::string id;      // "key_<16 hex>": names the key in lists and revocation, never authenticates
  std::string tenant;  // whose sessions, caches and hot questions the key reaches
  KeyLimits limits;
  std::int64_t created_ms = 0;
  bool revoked = false;
};

// Tenant names: 1-48 characters of [A-Za-z0-9_.-] (they become part of hash tags and key names).
Result<void> validate_tenant(std::string_view tenant);

// A fresh secret ("rck_" + 32 hex digits from the CSPRNG) and a fresh id.
std::string new_key_secret();
std::string new_key_id();
// Key ids as new_key_id makes them (anything else is refused before touching Redis).
bool is_key_id(std::string_view id);

// The public view of a record (lists, the native API, the CLI): never a secret.
boost::json::object to_json(const KeyRecord& r);

// The stored form of a record (HSET field/value pairs) and back.
std::vector<std::pair<std::string, std::string>> record_fields(const KeyRecord& r);
Result<KeyRecord> record_from_fields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace ragcache::auth
