#include "domain/auth/api_key.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/random.h"

namespace ragcache::auth {

namespace {

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

Result<void> validate_tenant(std::string_view tenant) {
  const bool ok = !tenant.empty() && tenant.size() <= 48 && std::all_of(tenant.begin(), tenant.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
  if (!ok) return Error(Errc::invalid_argument, "tenant must be 1-48 characters of [A-Za-z0-9_.-]");
  return {};
}

std::string new_key_secret() { return "rck_" + random_token(); }

std::string new_key_id() { return "key_" + random_token().substr(0, 16); }

bool is_key_id(std::string_view id) {
  return id.size() == 20 && id.starts_with("key_") &&
         std::all_of(id.begin() + 4, id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

boost::json::object to_json(const KeyRecord& r) {
  return boost::json::object{{"id", r.id},
                             {"tenant", r.tenant},
                             {"requests_per_minute", r.limits.requests_per_minute},
                             {"tokens_per_minute", r.limits.tokens_per_minute},
                             {"tokens_per_day", r.limits.tokens_per_day},
                             {"created_ms", r.created_ms},
                             {"revoked", r.revoked}};
}

std::vector<std::pair<std::string, std::string>> record_fields(const KeyRecord& r) {
  return {{"id", r.id},
          {"tenant", r.tenant},
          {"requests_per_minute", std::to_string(r.limits.requests_per_minute)},
          {"tokens_per_minute", std::to_string(r.limits.tokens_per_minute)},
          {"tokens_per_day", std::to_string(r.limits.tokens_per_day)},
          {"created_ms", std::to_string(r.created_ms)},
          {"revoked", r.revoked ? "1" : "0"}};
}

Result<KeyRecord> record_from_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  KeyRecord r;
  for (const auto& [name, value] : fields) {
    std::optional<std::int64_t> n;
    if (name == "id") {
      r.id = value;
    } else if (name == "tenant") {
      r.tenant = value;
    } else if (name == "revoked") {
      r.revoked = value == "1";
    } else if ((n = number(value))) {
      if (name == "requests_per_minute") r.limits.requests_per_minute = *n;
      if (name == "tokens_per_minute") r.limits.tokens_per_minute = *n;
      if (name == "tokens_per_day") r.limits.tokens_per_day = *n;
      if (name == "created_ms") r.created_ms = *n;
    }
  }
  if (!is_key_id(r.id) || !validate_tenant(r.tenant)) {
    return Error(Errc::invalid_argument, "stored API key record is incomplete");
  }
  return r;
}

}  // namespace ragcache::auth
