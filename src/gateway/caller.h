// Who is calling, decided once per request before any route runs:
//
//   --auth open (default)  any key: the tenant is a hash of the Authorization header (or
//                          "shared" under --shared-tenant, "anonymous" without one). Keys are not
//                          checked, so per-key budgets can be dodged with a new key: use
//                          --auth keys where that matters.
//   --auth keys            only keys issued by POST /v1/ragcache/keys: the tenant and limits are
//                          the key's; anything else is 401 invalid_api_key.
//   --admin-key K          `Authorization: Bearer K` is the operator: the control plane
//                          (invalidation, documents, keys, stats, dashboard, all-tenant hot
//                          questions) needs it (401 without a key, 403 with another). Without
//                          --admin-key those routes answer loopback callers only.
//
// The tenant scopes everything a caller can reach: sessions, hot questions, the exact, semantic
// and embeddings caches (tenant_scoped_id puts it inside the keys' hash tag).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/auth/key_store.h"
#include "domain/limits/limit_types.h"
#include "gateway/gateway_deps.h"
#include "http/api_error.h"
#include "http/request.h"

namespace ragcache::gateway {

struct Caller {
  std::string tenant;
  std::string rate_subject;  // whose request budget is charged
  limits::RateLimit rate;
  limits::TokenLimits tokens;
  bool admin = false;
};

// "Bearer <token>" -> token (case-insensitive scheme); nullopt when absent or another scheme.
std::optional<std::string_view> bearer_token(std::string_view authorization);
// The --auth open tenant of an Authorization header value ("" -> "anonymous"): a hash of it, so
// only the hash is ever used or stored.
std::string open_tenant(std::string_view authorization);
// Equal without leaking where they differ through timing.
bool same_secret(std::string_view a, std::string_view b);
// The id a tenant's state lives under: "<tenant>:<id>" (session ids, hot-question namespaces).
// kAllTenants ("*", never a tenant name) scopes the operator's all-tenant hot ranking.
inline constexpr std::string_view kAllTenants = "*";
std::string tenant_scoped_id(std::string_view tenant, std::string_view id);
// 127.0.0.0/8 and ::1 (an "ip:port" or "[ip]:port" remote address as the server reports it).
bool is_loopback_peer(std::string_view remote_address);

class Authenticator {
 public:
  // keys may be null with AuthMode::open. The options must outlive the authenticator (the
  // gateway's own: mode, admin key, shared tenant, and the default limits a key's override).
  Authenticator(const GatewayOptions& options, auth::KeyStore* keys);

  // The caller of a data route, or the error to answer (401 invalid_api_key; 503 when the key
  // store cannot be asked).
  boost::asio::awaitable<boost::system::result<Caller, http::ApiError>> identify(const http::Request& req) const;
  // nullopt: the request may use the control plane; else the 401/403 to answer.
  std::optional<http::ApiError> admin_refusal(const http::Request& req) const;

  // The tenant of an --auth open request (also what the access log shows).
  Caller open_caller(const http::Request& req) const;

 private:
  const GatewayOptions& options_;
  auth::KeyStore* keys_;
};

}  // namespace ragcache::gateway
