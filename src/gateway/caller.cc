#include "gateway/caller.h"

#include <boost/beast/core/string.hpp>
#include <openssl/crypto.h>

#include "base/hash.h"

namespace ragcache::gateway {

namespace {

limits::RateLimit override_rate(limits::RateLimit defaults, std::int64_t per_minute) {
  if (per_minute > 0) {
    defaults.limit = per_minute;
    defaults.period = std::chrono::minutes(1);
    defaults.burst = 0;  // the key's own limit, all of it at once
  }
  return defaults;
}

limits::TokenLimits override_tokens(limits::TokenLimits defaults, const auth::KeyLimits& key) {
  if (key.tokens_per_minute > 0) defaults.per_minute = key.tokens_per_minute;
  if (key.tokens_per_day > 0) defaults.per_day = key.tokens_per_day;
  return defaults;
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

std::string open_tenant(std::string_view authorization) {
  return authorization.empty() ? std::string("anonymous") : sha256_hex(authorization).substr(0, 32);
}

bool same_secret(std::string_view a, std::string_view b) {
  // Compare fixed-size digests: equal lengths, and no early exit on the first difference.
  const std::string da = sha256_hex(a), db = sha256_hex(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::string tenant_scoped_id(std::string_view tenant, std::string_view id) {
  std::string out(tenant);
  out += ':';
  out += id;
  return out;
}

bool is_loopback_peer(std::string_view remote) {
  return remote.starts_with("127.") || remote.starts_with("[::1]") || remote.starts_with("::1") ||
         remote.starts_with("[::ffff:127.") || remote.starts_with("::ffff:127.");
}

Authenticator::Authenticator(const GatewayOptions& options, auth::KeyStore* keys) : options_(options), keys_(keys) {}

Caller Authenticator::open_caller(const http::Request& req) const {
  Caller c;
  const std::string own = open_tenant(req.header("Authorization"));
  c.tenant = options_.shared_tenant ? std::string("shared") : own;
  c.rate_subject = own;  // the budget is the key's, even under a shared tenant
  c.rate = options_.rate;
  c.tokens = options_.tokens;
  return c;
}

boost::asio::awaitable<boost::system::result<Caller, http::ApiError>> Authenticator::identify(
    const http::Request& req) const {
  const auto token = bearer_token(req.header("Authorization"));
  if (token && !options_.admin_key.empty() && same_secret(*token, options_.admin_key)) {
    Caller admin = open_caller(req);
    admin.admin = true;
    co_return admin;
  }
  if (options_.auth == AuthMode::open) co_return open_caller(req);
  if (!token) co_return http::unauthorized("You didn't provide an API key (Authorization: Bearer <key>).");
  auto record = co_await keys_->lookup(*token);
  if (!record) co_return http::service_unavailable("API key store unavailable: " + record.error().message());
  if (!*record) co_return http::unauthorized("Incorrect API key provided.");
  Caller c;
  c.tenant = (*record)->tenant;
  c.rate_subject = "key:" + (*record)->id;
  c.rate = override_rate(options_.rate, (*record)->limits.requests_per_minute);
  c.tokens = override_tokens(options_.tokens, (*record)->limits);
  co_return c;
}

std::optional<http::ApiError> Authenticator::admin_refusal(const http::Request& req) const {
  if (options_.admin_key.empty()) {
    if (is_loopback_peer(req.remote_address())) return std::nullopt;
    return http::error_for_status(403, "This route answers loopback callers only; set --admin-key to use it remotely.");
  }
  const auto token = bearer_token(req.header("Authorization"));
  if (!token) return http::unauthorized("This route needs the admin key (Authorization: Bearer <admin key>).");
  if (!same_secret(*token, options_.admin_key)) return http::error_for_status(403, "This key may not use this route.");
  return std::nullopt;
}

}  // namespace ragcache::gateway
