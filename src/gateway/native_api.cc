// The native REST API under /v1/ragcache/: sessions and hot questions (the caller's tenant's),
// cache invalidation, documents and stats (the control plane, admin only; see caller.h).
// GET /v1/ragcache/stats: {"exact":{...}, "single_flight":{...}, "sessions":{"active",
// "active_window_seconds","active_saturated"}, "redis":{"cache_connected","state_connected"}}.
// JSON in and out; every error in the OpenAI error shape.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/api_error.h"
#include "domain/cache/keys.h"
#include "domain/docs/doc_types.h"
#include "domain/session/errors.h"
#include "gateway/gateway.h"
#include "gateway/request_controls.h"
#include "redis/errors.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Parses a JSON object body; nullopt (after answering 400) when it is not one.
asio::awaitable<std::optional<json::object>> json_body(http::Request& req, http::ResponseWriter& w) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body(), ec);
  if (ec || !v.is_object()) {
    co_await w.send_error(http::invalid_request("Request body must be a JSON object", std::nullopt, "invalid_json"));
    co_return std::nullopt;
  }
  co_return std::move(v.as_object());
}

http::ApiError store_error(const Error& e) {
  // Validation problems are the caller's; state the session layer did not write is ours; anything
  // else means the state store is unreachable.
  if (e.code == session::Errc::corrupt_state) return http::internal_error("Session state is corrupt: " + e.message());
  if (e.code == ragcache::Errc::invalid_argument || e.code.category() == session::category()) {
    return http::invalid_request(e.message());
  }
  return http::service_unavailable("Session store unavailable: " + e.message());
}

// The reply of every invalidation: how many exact entries went (and, with the semantic cache
// on, how many semantic entries went with them), or 503 when the cache is unreachable.
asio::awaitable<void> send_invalidated(http::ResponseWriter& w, const Result<std::size_t>& removed,
                                       const std::optional<Result<std::size_t>>& semantic) {
  const Result<std::size_t>* failed = !removed ? &removed : (semantic && !*semantic ? &*semantic : nullptr);
  if (failed) {
    co_await w.send_error(http::service_unavailable("Cache unavailable: " + failed->error().message()));
    co_return;
  }
  json::object o;
  o["invalidated"] = *removed;
  if (semantic) o["semantic_invalidated"] = **semantic;
  co_await w.send_json(200, json::serialize(o));
}

}  // namespace

asio::awaitable<std::optional<std::string>> Gateway::scoped_session(const http::Request& req, http::ResponseWriter& w,
                                                                    const Caller& caller) {
  auto sid = parse_session_id(req.param("sid"));
  if (!sid) {
    co_await w.send_error(http::invalid_request("A session id is 1-128 characters of [A-Za-z0-9_.:-]", "sid"));
    co_return std::nullopt;
  }
  co_return tenant_scoped_id(caller.tenant, sid->value);
}

asio::awaitable<void> Gateway::session_get(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                  RequestLog&) {
  const auto sid = co_await scoped_session(req, w, caller);
  if (!sid) co_return;
  active_sessions_.touch(*sid);
  auto window = co_await deps_.sessions->read(*sid);
  if (!window) {
    co_await w.send_error(store_error(window.error()));
    co_return;
  }
  if (!window->exists()) {
    co_await w.send_error(http::not_found("No session '" + std::string(req.param("sid")) + "' for this API key"));
    co_return;
  }
  co_await w.send_json(200, json::serialize(window->to_json()));
}

asio::awaitable<void> Gateway::session_append(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                  RequestLog&) {
  const auto sid = co_await scoped_session(req, w, caller);
  if (!sid) co_return;
  active_sessions_.touch(*sid);
  auto body = co_await json_body(req, w);
  if (!body) co_return;
  const auto* messages = body->if_contains("messages");
  if (!messages || !messages->is_array() || messages->as_array().empty()) {
    co_await w.send_error(http::invalid_request("'messages' must be a non-empty array", "messages"));
    co_return;
  }
  std::vector<session::Message> to_append;
  for (std::size_t i = 0; i < messages->as_array().size(); ++i) {
    const auto* m = messages->as_array()[i].if_object();
    const auto* role = m ? m->if_contains("role") : nullptr;
    const auto* content = m ? m->if_contains("content") : nullptr;
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!role || !role->is_string() || !content || !content->is_string()) {
      co_await w.send_error(http::invalid_request(where + " needs string 'role' and 'content'", where));
      co_return;
    }
    session::Message msg;
    msg.role = std::string(role->as_string());
    msg.content = std::string(content->as_string());
    if (const auto* id = m->if_contains("id"); id && id->is_string()) msg.id = std::string(id->as_string());
    if (const auto* name = m->if_contains("name"); name && name->is_string()) msg.name = std::string(name->as_string());
    if (const auto* t = m->if_contains("tokens"); t && t->is_number()) msg.content_tokens = t->to_number<std::size_t>();
    to_append.push_back(std::move(msg));
  }
  auto r = co_await deps_.sessions->append(*sid, std::move(to_append));
  if (!r) {
    co_await w.send_error(store_error(r.error()));
    co_return;
  }
  auto window = co_await deps_.sessions->read(*sid);
  if (!window) {
    co_await w.send_error(store_error(window.error()));
    co_return;
  }
  co_await w.send_json(200, json::serialize(window->to_json()));
}

asio::awaitable<void> Gateway::session_context(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                  RequestLog&) {
  const auto sid = co_await scoped_session(req, w, caller);
  if (!sid) co_return;
  active_sessions_.touch(*sid);
  auto body = co_await json_body(req, w);
  if (!body) co_return;
  const auto* ctx = body->if_contains("resolved_context");
  if (!ctx || !ctx->is_string()) {
    co_await w.send_error(http::invalid_request("'resolved_context' must be a string", "resolved_context"));
    co_return;
  }
  auto r = co_await deps_.sessions->set_resolved_context(*sid, std::string(ctx->as_string()));
  if (!r) {
    co_await w.send_error(store_error(r.error()));
    co_return;
  }
  co_await w.send_json(200, R"({"status":"ok"})");
}

asio::awaitable<void> Gateway::session_delete(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                  RequestLog&) {
  const auto sid = co_await scoped_session(req, w, caller);
  if (!sid) co_return;
  active_sessions_.touch(*sid);
  auto r = co_await deps_.sessions->remove(*sid);
  if (!r) {
    co_await w.send_error(store_error(r.error()));
    co_return;
  }
  json::object o;
  o["deleted"] = *r;
  co_await w.send_json(200, json::serialize(o));
}

asio::awaitable<void> Gateway::invalidate(http::Request& req, http::ResponseWriter& w) {
  auto body = co_await json_body(req, w);
  if (!body) co_return;
  std::string ns;
  if (const auto* n = body->if_contains("namespace"); n && n->is_string()) ns = std::string(n->as_string());
  if (const auto* key = body->if_contains("key"); key && key->is_string()) {
    // The 64-hex hash (in the body's "namespace"), or a whole key name, which names its namespace.
    std::string k(key->as_string());
    if (auto named = deps_.exact->keys().parse_exact(k)) {
      ns = std::move(named->first);
      k = std::move(named->second);
    }
    if (!cache::validate_hash(k)) {
      co_await w.send_error(http::invalid_request("'key' must be the 64-hex-digit cache key or a rag:exact:[<namespace>:]{...} name", "key"));
      co_return;
    }
    cache::CacheKey ck{ns, k, {}};
    auto r = co_await deps_.exact->invalidate(ck);
    // Named first: GCC 12 mis-compiles a conditional expression inside a co_await.
    Result<std::size_t> count = std::size_t{0};
    if (!r) {
      count = r.error();
    } else if (*r) {
      count = std::size_t{1};
    }
    // The semantic entries stored from that answer (they carry its hash), in every process.
    std::optional<Result<std::size_t>> semantic;
    if (deps_.semantic) semantic = co_await deps_.semantic->invalidate_exact(k);
    co_await send_invalidated(w, count, semantic);
    co_return;
  }
  if (body->if_contains("namespace")) {
    auto r = co_await deps_.exact->invalidate_namespace(ns);
    // Every tenant's, as for the exact entries: no answer of the namespace may survive in either.
    std::optional<Result<std::size_t>> semantic;
    const std::optional<std::string> every_tenant;
    if (deps_.semantic) semantic = co_await deps_.semantic->invalidate_namespace(ns, every_tenant);
    co_await send_invalidated(w, r, semantic);
    co_return;
  }
  if (const auto* doc = body->if_contains("doc_id"); doc && doc->is_string() && deps_.docs) {
    auto r = co_await deps_.docs->links().invalidate_doc(std::string(doc->as_string()));
    // (No semantic part: answers built on documents are never stored there, semantic_step.h.
    // Named: GCC 12 mishandles temporaries inside a co_await expression.)
    const std::optional<Result<std::size_t>> no_semantic;
    co_await send_invalidated(w, r, no_semantic);
    co_return;
  }
  co_await w.send_error(http::invalid_request("Give one of 'key', 'namespace' or 'doc_id'"));
}

asio::awaitable<void> Gateway::stats(http::Request&, http::ResponseWriter& w) {
  const auto& c = deps_.exact->stats();
  const auto& f = deps_.flight->stats();
  json::object exact;
  exact["l1_hits"] = c.l1_hits.load();
  exact["hits"] = c.hits.load();
  exact["misses"] = c.misses.load();
  exact["stores"] = c.stores.load();
  exact["too_large"] = c.too_large.load();
  exact["invalidated"] = c.invalidated.load();
  json::object flight;
  flight["computes"] = f.computes.load();
  flight["led"] = f.led.load();
  flight["followed"] = f.followed.load();
  flight["takeovers"] = f.takeovers.load();
  flight["bypassed"] = f.bypassed.load();
  // Sessions active: distinct session ids this process saw in the last 5 minutes (see
  // dashboard/active_sessions.h for why per process).
  const auto active = active_sessions_.count();
  json::object sessions;
  sessions["active"] = active.sessions;
  sessions["active_window_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(active_sessions_.window()).count();
  sessions["active_saturated"] = active.saturated;
  json::object redis_health;
  redis_health["cache_connected"] = deps_.cache_redis ? deps_.cache_redis->connected() : false;
  redis_health["state_connected"] = deps_.state_redis ? deps_.state_redis->connected() : false;
  json::object o;
  o["exact"] = std::move(exact);
  o["single_flight"] = std::move(flight);
  o["sessions"] = std::move(sessions);
  o["redis"] = std::move(redis_health);
  co_await w.send_json(200, json::serialize(o));
}

asio::awaitable<void> Gateway::doc_begin(http::Request& req, http::ResponseWriter& w) {
  auto body = co_await json_body(req, w);
  if (!body) co_return;
  auto parsed = docs::begin_request_from_json(*body);
  if (!parsed) {
    co_await w.send_error(http::invalid_request(parsed.error().message()));
    co_return;
  }
  auto r = co_await deps_.docs->begin(req.param("id"), parsed->content_sha256, parsed->holder, parsed->source);
  if (!r) {
    co_await w.send_error(redis::is_unavailable(r.error())
                              ? http::service_unavailable("Document registry unavailable: " + r.error().message())
                              : http::invalid_request(r.error().message()));
    co_return;
  }
  co_await w.send_json(200, json::serialize(docs::to_json(*r)));
}

asio::awaitable<void> Gateway::doc_end(http::Request& req, http::ResponseWriter& w) {
  auto body = co_await json_body(req, w);
  if (!body) co_return;
  auto parsed = docs::finish_request_from_json(*body, req.param("id"));
  if (!parsed) {
    co_await w.send_error(http::invalid_request(parsed.error().message()));
    co_return;
  }
  const bool finish = req.path().ends_with("/finish");
  // if/else, not `cond ? co_await a : co_await b`: GCC 12 miscompiles that (double free).
  Result<docs::FinishResult> r = Error(ragcache::Errc::internal);
  if (finish) {
    r = co_await deps_.docs->finish(parsed->ticket, parsed->chunk_count);
  } else {
    r = co_await deps_.docs->fail(parsed->ticket, parsed->error);
  }
  if (!r) {
    co_await w.send_error(redis::is_unavailable(r.error())
                              ? http::service_unavailable("Document registry unavailable: " + r.error().message())
                              : http::error_for_status(409, r.error().message()));
    co_return;
  }
  co_await w.send_json(200, json::serialize(docs::to_json(*r)));
}

asio::awaitable<void> Gateway::doc_get(http::Request& req, http::ResponseWriter& w) {
  auto r = co_await deps_.docs->get(req.param("id"));
  if (!r) {
    co_await w.send_error(http::service_unavailable("Document registry unavailable: " + r.error().message()));
    co_return;
  }
  if (!*r) {
    co_await w.send_error(http::not_found("No document '" + std::string(req.param("id")) + "'"));
    co_return;
  }
  co_await w.send_json(200, json::serialize(docs::to_json(**r)));
}

asio::awaitable<void> Gateway::hot(http::Request& req, http::ResponseWriter& w, const Caller& caller, RequestLog&) {
  // Every tenant's questions are the operator's to see.
  const bool all_tenants = req.query("scope").value_or("") == "all";
  if (all_tenants) {
    if (auto refused = authenticator_.admin_refusal(req)) {
      co_await w.send_error(*refused);
      co_return;
    }
  }
  if (!deps_.hot) {
    co_await w.send_error(http::not_found("Hot-question ranking is not enabled"));
    co_return;
  }
  auto window_q = req.query("window");
  auto k_q = req.query("k");
  auto query = hot::parse_hot_query(window_q ? std::optional<std::string_view>(*window_q) : std::nullopt,
                                       k_q ? std::optional<std::string_view>(*k_q) : std::nullopt);
  if (!query) {
    co_await w.send_error(http::invalid_request(query.error().message()));
    co_return;
  }
  // The hot ranking's namespace of requests without X-Cache-Namespace is "default".
  auto ns = parse_namespace(req.query("namespace").value_or("default"));
  if (!ns) {
    co_await w.send_error(http::invalid_request("namespace must be 1-64 characters of [A-Za-z0-9_.-]", "namespace"));
    co_return;
  }
  const std::string scope = tenant_scoped_id(all_tenants ? kAllTenants : std::string_view(caller.tenant), ns->value);
  auto top = co_await deps_.hot->top(scope, query->window, query->k);
  if (!top) {
    co_await w.send_error(http::service_unavailable("Hot ranking unavailable: " + top.error().message()));
    co_return;
  }
  co_await w.send_json(200, json::serialize(hot::hot_to_json(*top)));
}

}  // namespace ragcache::gateway
