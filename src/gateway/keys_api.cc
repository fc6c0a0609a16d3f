// The issued-key routes of the native API (admin only, see caller.h):
//   POST   /v1/ragcache/keys        {"tenant", "requests_per_minute"?, "tokens_per_minute"?,
//                                   "tokens_per_day"?} -> 201 {"id","key","tenant",...}
//   GET    /v1/ragcache/keys        {"keys":[{"id","tenant",...,"revoked"}]}  (never a secret)
//   DELETE /v1/ragcache/keys/{id}   {"id","revoked":true}; 404 for an unknown id
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/auth/api_key.h"
#include "gateway/gateway.h"
#include "openai/field_checks.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The body of POST /keys: a tenant and optional whole-number limits; the first problem is a 400.
boost::system::result<std::pair<std::string, auth::KeyLimits>, http::ApiError> parse_key_request(std::string_view body) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return http::invalid_request("Request body must be a JSON object", std::nullopt, "invalid_json");
  const auto& o = doc.as_object();
  const auto* tenant = o.if_contains("tenant");
  if (!tenant || !tenant->is_string()) return http::invalid_request("'tenant' is required (a string)", "tenant");
  if (auto ok = auth::validate_tenant(tenant->as_string()); !ok) return http::invalid_request(ok.error().detail, "tenant");
  auth::KeyLimits limits;
  for (auto [name, field] : {std::pair{"requests_per_minute", &auth::KeyLimits::requests_per_minute},
                             std::pair{"tokens_per_minute", &auth::KeyLimits::tokens_per_minute},
                             std::pair{"tokens_per_day", &auth::KeyLimits::tokens_per_day}}) {
    if (auto bad = openai::check_integer(o, name, 0, 1'000'000'000'000)) {
      return http::invalid_request(std::move(bad->message), std::move(bad->param), std::move(bad->code));
    }
    limits.*field = openai::integer_field(o, name).value_or(0);
  }
  return std::pair{std::string(tenant->as_string()), limits};
}

http::ApiError keys_unavailable(const Error& e) { return http::service_unavailable("API key store unavailable: " + e.message()); }

}  // namespace

asio::awaitable<void> Gateway::key_create(http::Request& req, http::ResponseWriter& w) {
  auto parsed = parse_key_request(req.body());
  if (!parsed) {
    co_await w.send_error(parsed.error());
    co_return;
  }
  auto created = co_await deps_.keys->create(std::move(parsed->first), parsed->second);
  if (!created) {
    co_await w.send_error(keys_unavailable(created.error()));
    co_return;
  }
  json::object o = auth::to_json(created->record);
  o["key"] = created->secret;  // shown once, never again
  co_await w.send_json(201, json::serialize(o));
}

asio::awaitable<void> Gateway::key_list(http::Request&, http::ResponseWriter& w) {
  auto keys = co_await deps_.keys->list();
  if (!keys) {
    co_await w.send_error(keys_unavailable(keys.error()));
    co_return;
  }
  json::array items;
  for (const auto& k : *keys) items.push_back(auth::to_json(k));
  // Built before the co_await: GCC 12 mis-compiles braced string literals inside one.
  const std::string body = json::serialize(json::object{{"keys", std::move(items)}});
  co_await w.send_json(200, body);
}

asio::awaitable<void> Gateway::key_revoke(http::Request& req, http::ResponseWriter& w) {
  auto revoked = co_await deps_.keys->revoke(req.param("id"));
  if (!revoked) {
    co_await w.send_error(keys_unavailable(revoked.error()));
    co_return;
  }
  if (!*revoked) {
    co_await w.send_error(http::not_found("No API key '" + std::string(req.param("id")) + "'"));
    co_return;
  }
  const std::string body = json::serialize(json::object{{"id", req.param("id")}, {"revoked", true}});
  co_await w.send_json(200, body);
}

}  // namespace ragcache::gateway
