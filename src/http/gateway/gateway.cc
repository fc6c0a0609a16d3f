#include "http/gateway/gateway.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include <array>
#include <atomic>

#include "base/hash.h"
#include "http/api_error.h"
#include "http/gateway/answer.h"
#include "http/gateway/cache_headers.h"
#include "http/gateway/dashboard/routes.h"
#include "http/gateway/chat_request.h"
#include "http/gateway/limit_headers.h"
#include "redis/errors.h"
#include "http/gateway/errors.h"
#include "http/gateway/flight_feeder.h"
#include "http/gateway/responder.h"
#include "http/gateway/semantic_step.h"
#include "http/gateway/upstream_chat.h"
#include "http/standard_routes.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Gateway::Metrics {
  http::CounterFamily& requests;
  http::Counter& upstream_calls;
  http::Counter& tokens_saved;
  http::Counter& redis_errors;
  http::HistogramFamily& duration;

  explicit Metrics(http::MetricsRegistry& r)
      : requests(r.counter("requests_total", "Chat completion requests by cache result", {"cache"})),
        upstream_calls(r.counter("upstream_calls_total", "Calls made to the upstream model").with({})),
        tokens_saved(r.counter("upstream_tokens_saved_total",
                               "Upstream tokens (prompt + completion) not spent thanks to the cache")
                         .with({})),
        redis_errors(r.counter("redis_errors_total", "Redis operations that failed (cache bypassed)").with({})),
        duration(r.histogram("request_duration_seconds", "Chat completion request duration", {"cache"})) {
    // Every cache result's series up front (they show as 0 until used): a family lookup builds
    // label strings and takes a lock, which the per-request path then never does.
    for (std::size_t i = 0; i < kLabels.size(); ++i) {
      counts[i] = &requests.with({kLabels[i]});
      durations[i] = &duration.with({kLabels[i]});
    }
  }

  void record(std::string_view cache, Clock::time_point start) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (std::size_t i = 0; i < kLabels.size(); ++i) {
      if (kLabels[i] != cache) continue;
      counts[i]->inc();
      durations[i]->observe(seconds);
      return;
    }
    requests.with({cache}).inc();
    duration.with({cache}).observe(seconds);
  }

  static constexpr std::array<std::string_view, 7> kLabels = {"HIT",    "SEMANTIC", "MISS",        "SHARED",
                                                              "BYPASS", "ERROR",    "RATE_LIMITED"};
  std::array<http::Counter*, kLabels.size()> counts{};
  std::array<http::Histogram*, kLabels.size()> durations{};
};

namespace {

CacheResult from_role(cache::FlightRole role) {
  switch (role) {
    case cache::FlightRole::hit: return CacheResult::hit;
    case cache::FlightRole::leader: return CacheResult::miss;
    case cache::FlightRole::shared: return CacheResult::shared;
    case cache::FlightRole::bypass: return CacheResult::bypass;
  }
  return CacheResult::bypass;
}

bool valid_session_id(std::string_view sid) {
  if (sid.empty() || sid.size() > 128) return false;
  for (char c : sid) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

// The leader's work: one upstream call whose events go into the flight. A free coroutine with
// by-value parameters, because it may outlive the request that started it (other callers wait).
asio::awaitable<Result<void>> produce_answer(std::shared_ptr<http::UpstreamClient> upstream, json::object body,
                                             http::Headers headers, http::Counter* calls, cache::ChunkSink& sink) {
  calls->inc();
  // Reading the upstream and pushing into the flight overlap (flight_feeder.h).
  auto r = co_await stream_chat_into_flight(*upstream, std::move(body), std::move(headers), sink);
  if (!r) co_return r.error();
  if (r->finish_reason == "length") {
    sink.set_completion(cache::Completion::truncated);
  } else if (r->finish_reason != "stop") {
    sink.set_completion(cache::Completion::refused);  // content_filter, tool_calls: not reusable as text
  }
  co_return Result<void>();
}

session::Message session_message_of(const json::object& m) {
  session::Message out;
  if (const auto* role = m.if_contains("role"); role && role->is_string()) out.role = std::string(role->as_string());
  if (const auto* content = m.if_contains("content")) out.content = content_text(*content);
  if (const auto* name = m.if_contains("name"); name && name->is_string()) out.name = std::string(name->as_string());
  if (const auto* id = m.if_contains("tool_call_id"); id && id->is_string()) out.tool_call_id = std::string(id->as_string());
  if (const auto* calls = m.if_contains("tool_calls"); calls && !calls->is_null()) out.tool_calls = *calls;
  return out;
}

std::uint64_t total_tokens(const json::value& usage) {
  const auto* o = usage.if_object();
  const auto* t = o ? o->if_contains("total_tokens") : nullptr;
  return t && t->is_number() ? t->to_number<std::uint64_t>() : 0;
}

std::optional<std::size_t> completion_tokens(const json::value& usage) {
  const auto* o = usage.if_object();
  const auto* t = o ? o->if_contains("completion_tokens") : nullptr;
  if (t && t->is_number()) return t->to_number<std::size_t>();
  return std::nullopt;
}

asio::awaitable<void> record_hot(hot::HotQuestions* hot, std::string ns, std::string question) {
  auto r = co_await hot->record(ns, question);
  if (!r) spdlog::debug("hot question not recorded: {}", r.error().message());
}

}  // namespace

std::int64_t Gateway::estimate_tokens(const ChatRequest& cr) const {
  // Prompt: counted (exactly when the BPE counter is configured) with the chat format's overhead;
  // answer: max_tokens when given, else a default.
  std::int64_t prompt = 3;
  for (const auto& m : cr.messages) {
    prompt += 4 + static_cast<std::int64_t>(deps_.token_counter ? deps_.token_counter->count(m.content) : m.content.size() / 4);
  }
  std::int64_t completion = options_.default_completion_estimate;
  for (const char* f : {"max_completion_tokens", "max_tokens"}) {
    if (const auto* v = cr.body.if_contains(f); v && v->is_number()) completion = v->to_number<std::int64_t>();
  }
  return prompt + completion;
}

Gateway::Gateway(GatewayDeps deps, GatewayOptions options)
    : deps_(std::move(deps)), options_(std::move(options)), metrics_(std::make_unique<Metrics>(*deps_.metrics)) {}

Gateway::~Gateway() = default;

std::string Gateway::tenant_of(const http::Request& req) const {
  if (options_.shared_tenant) return "shared";
  std::string_view auth = req.header("Authorization");
  if (auth.empty()) return "anonymous";
  // Only a hash of the key is ever used or stored.
  return sha256_hex(auth).substr(0, 32);
}

void Gateway::add_routes(http::Router& router) {
  // Every route goes through logged(): one access-log line per request (access_log.h).
  auto bind = [this](Handler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return logged(req, w, method); };
  };
  auto bind_logged = [this](LoggedHandler method) {
    return [this, method](http::Request& req, http::ResponseWriter& w) { return logged(req, w, method); };
  };
  router.post("/v1/chat/completions", bind_logged(&Gateway::chat_completions));
  router.post("/v1/embeddings", bind_logged(&Gateway::embeddings));
  router.get("/v1/models", bind(&Gateway::models));
  router.get("/readyz", bind(&Gateway::readyz));
  http::add_health_route(router);
  http::add_metrics_route(router, *deps_.metrics);
  router.get("/v1/ragcache/sessions/{sid}", bind(&Gateway::session_get));
  router.post("/v1/ragcache/sessions/{sid}/messages", bind(&Gateway::session_append));
  router.put("/v1/ragcache/sessions/{sid}/context", bind(&Gateway::session_context));
  router.del("/v1/ragcache/sessions/{sid}", bind(&Gateway::session_delete));
  router.post("/v1/ragcache/cache/invalidate", bind(&Gateway::invalidate));
  router.get("/v1/ragcache/stats", bind(&Gateway::stats));
  router.get("/v1/ragcache/hot", bind(&Gateway::hot));
  router.post("/v1/ragcache/docs/{id}/begin", bind(&Gateway::doc_begin));
  router.post("/v1/ragcache/docs/{id}/finish", bind(&Gateway::doc_end));
  router.post("/v1/ragcache/docs/{id}/fail", bind(&Gateway::doc_end));
  router.get("/v1/ragcache/docs/{id}", bind(&Gateway::doc_get));
  dashboard::add_dashboard_routes(router);
}

// One Lua call; a refused request costs nothing more.
asio::awaitable<bool> Gateway::within_request_rate(const std::string& tenant, http::ResponseWriter& w) {
  if (options_.rate.unlimited() || !deps_.rate_limiter) co_return true;
  auto decision = co_await deps_.rate_limiter->check(tenant, options_.rate);
  if (!decision) {
    metrics_->redis_errors.inc();
    decision = limits::rate_decision_on_error(options_.limiter_failure, options_.rate, std::chrono::seconds(1));
  }
  if (decision->allowed) co_return true;
  http::Headers headers;
  for (auto& h : rate_limit_headers(*decision)) headers.emplace_back(h.name, h.value);
  // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
  http::Response refused{429, "application/json", rate_limit_error_body(*decision), std::move(headers)};
  co_await w.send(std::move(refused));
  co_return false;
}

asio::awaitable<void> Gateway::chat_completions(http::Request& req, http::ResponseWriter& w, RequestLog& log) {
  const auto start = Clock::now();
  auto parsed = parse_chat_request(req.body());
  if (!parsed) {
    co_await w.send_error(parsed.error());
    metrics_->record("ERROR", start);
    co_return;
  }
  ChatRequest cr = std::move(*parsed);
  const std::string tenant = tenant_of(req);

  const bool admitted = co_await within_request_rate(tenant, w);
  if (!admitted) {
    metrics_->record("RATE_LIMITED", start);
    co_return;
  }

  std::string ns;
  if (req.has_header("X-Cache-Namespace")) {
    auto parsed_ns = parse_namespace(req.header("X-Cache-Namespace"));
    if (!parsed_ns) {
      co_await w.send_error(http::invalid_request("X-Cache-Namespace must be 1-64 characters of [A-Za-z0-9_.-]",
                                                  "X-Cache-Namespace"));
      metrics_->record("ERROR", start);
      co_return;
    }
    ns = *parsed_ns;
  }
  const CacheControl cc = parse_cache_control(req.header("Cache-Control"));

  // Session mode: the stored window goes before the new messages; both become the key.
  const std::string sid(req.header("X-Session-Id"));
  std::vector<session::Message> to_append;
  if (!sid.empty()) {
    if (!valid_session_id(sid)) {
      co_await w.send_error(http::invalid_request("X-Session-Id must be 1-128 characters of [A-Za-z0-9_.:-]", "X-Session-Id"));
      metrics_->record("ERROR", start);
      co_return;
    }
    active_sessions_.touch(sid);  // for "sessions active" in /v1/ragcache/stats
    auto window = co_await deps_.sessions->read(sid);
    if (!window) {
      co_await w.send_error(http::service_unavailable("Session store unavailable: " + window.error().message()));
      metrics_->record("ERROR", start);
      co_return;
    }
    json::array effective = window->openai_messages();
    for (const auto& m : cr.body.at("messages").as_array()) {
      effective.push_back(m);
      to_append.push_back(session_message_of(m.as_object()));
    }
    cr.messages = key_messages(effective);
    cr.body["messages"] = std::move(effective);
  }

  // Answers built on documents (X-Source-Docs: id1,id2): the documents' current versions join
  // the key, so the moment a document is re-ingested with new content no request can reach an
  // answer made from the old one; the answer is also linked to the documents so the re-ingest
  // deletes it (links are best-effort cleanup; the versioned key is what guarantees freshness).
  std::optional<docs::SourceSnapshot> sources;
  if (req.has_header("X-Source-Docs") && deps_.docs) {
    std::vector<std::string> ids;
    std::string_view list = req.header("X-Source-Docs");
    while (!list.empty()) {
      auto comma = list.find(',');
      std::string id(list.substr(0, comma));
      id.erase(0, id.find_first_not_of(' '));
      id.erase(id.find_last_not_of(' ') + 1);
      if (!id.empty()) ids.push_back(std::move(id));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    auto snap = co_await deps_.docs->links().snapshot(ids);
    if (!snap) {
      if (redis::is_unavailable(snap.error())) {
        metrics_->redis_errors.inc();
        cr.uncacheable_reason = "source documents unavailable";
      } else {
        co_await w.send_error(http::invalid_request("X-Source-Docs: " + snap.error().message(), "X-Source-Docs"));
        metrics_->record("ERROR", start);
        co_return;
      }
    } else {
      std::string versions;
      for (const auto& [id, version] : snap->docs) versions += id + "@" + std::to_string(version) + ",";
      cr.params.emplace_back("x-source-docs", versions);
      sources = std::move(*snap);
    }
  }

  // The cache key, only for a request the cache may answer or keep (a no-store or uncacheable
  // one goes straight upstream). The messages and parameters lend themselves to the key's
  // input and come back afterwards: no copy of the conversation per request.
  bool cacheable = cr.uncacheable_reason.empty() && !cc.no_store;
  std::optional<cache::CacheKey> key;
  if (!cacheable) {
    // The same 400 as a cached request would get for the same mistake.
    if (auto ok = cache::validate_key_inputs(ns, cr.model, cr.params); !ok) {
      co_await w.send_error(http::invalid_request(ok.error().message()));
      metrics_->record("ERROR", start);
      co_return;
    }
  } else {
    cache::CanonicalRequest canonical{ns, tenant, cr.model, std::move(cr.messages), std::move(cr.params)};
    auto made = cache::make_cache_key(canonical);
    cr.messages = std::move(canonical.messages);
    cr.params = std::move(canonical.params);
    if (!made) {
      co_await w.send_error(http::invalid_request(made.error().message()));
      metrics_->record("ERROR", start);
      co_return;
    }
    key = std::move(*made);
  }

  // Semantic-cache controls (semantic_step.h); a malformed value is the caller's mistake: 400.
  std::optional<float> semantic_threshold;
  std::optional<std::string_view> resolved_query;
  if (req.has_header("X-Semantic-Threshold")) {
    semantic_threshold = parse_similarity_threshold(req.header("X-Semantic-Threshold"));
    if (!semantic_threshold) {
      co_await w.send_error(
          http::invalid_request("X-Semantic-Threshold must be a number between 0 and 1", "X-Semantic-Threshold"));
      metrics_->record("ERROR", start);
      co_return;
    }
  }
  if (req.has_header("X-Resolved-Query")) {
    resolved_query = parse_resolved_query(req.header("X-Resolved-Query"));
    if (!resolved_query) {
      co_await w.send_error(http::invalid_request(
          "X-Resolved-Query must be 1-4096 bytes of text without control characters", "X-Resolved-Query"));
      metrics_->record("ERROR", start);
      co_return;
    }
  }

  http::Headers upstream_headers;
  if (options_.forward_authorization && req.has_header("Authorization")) {
    upstream_headers.emplace_back("Authorization", std::string(req.header("Authorization")));
  }

  AnswerResponder out(w, cr.stream, cr.include_usage, cr.model);
  std::string bypass_detail = cc.no_store ? "no-store" : (cr.uncacheable_reason.empty() ? "" : "uncacheable");
  std::optional<Error> failure;
  CacheResult result = CacheResult::miss;

  // 1. Exact lookup (L1, then Redis).
  bool answered = false;
  if (cacheable && !cc.no_cache) {
    auto hit = co_await deps_.exact->lookup(*key);
    if (hit && *hit) {
      result = CacheResult::hit;
      auto prepared = answer_memo_.get(**hit);  // parsed and rendered once per answer, not per hit
      co_await out.replay(result, cache_headers(result), std::move(prepared));  // one write, also for SSE
      answered = true;
    } else if (!hit) {
      metrics_->redis_errors.inc();
      cacheable = false;
      bypass_detail = "redis-unavailable";
    }
  }

  // 1b. Semantic lookup: the answer of a near-identical standalone question (semantic_step.h).
  // (Planned only after an exact miss: an exact hit, the hot path, pays nothing for it.)
  SemanticPlan semantic_plan;
  if (!answered) {
    semantic_plan = plan_semantic({.enabled = deps_.semantic != nullptr,
                                  .cacheable = cacheable,
                                  .no_cache = cc.no_cache,
                                  .has_source_docs = req.has_header("X-Source-Docs"),
                                  .tenant = tenant,
                                  .model = cr.model,
                                  .name_space = ns,
                                  .embedder_id = options_.semantic_embedder_id,
                                  .messages = &cr.messages,
                                  .params = &cr.params,
                                  .resolved_query = resolved_query});
  }
  std::vector<float> semantic_embedding;  // the lookup's vector, reused by the insert after a miss
  if (!answered && semantic_plan.lookup) {
    auto hit = co_await deps_.semantic->lookup(semantic_plan.partition, semantic_plan.question, semantic_threshold,
                                               &semantic_embedding);
    if (hit && *hit) {
      result = CacheResult::semantic;
      auto prepared = answer_memo_.get((*hit)->answer);
      co_await out.replay(result, cache_headers(result, (*hit)->similarity), std::move(prepared));  // one write, as an exact hit
      answered = true;
    } else if (!hit) {
      if (redis::is_unavailable(hit.error())) metrics_->redis_errors.inc();
      spdlog::debug("semantic lookup skipped: {}", hit.error().message());
    }
  }

  // 2. Token quota: reserve the estimated cost before any upstream call (refused: 429, nothing
  //    charged); settled with the real usage, or released when no upstream tokens were spent.
  std::optional<limits::Reservation> reservation;
  if (!answered && !options_.tokens.unlimited() && deps_.token_quota) {
    auto decision = co_await deps_.token_quota->reserve(tenant, options_.tokens, estimate_tokens(cr));
    if (!decision) {
      metrics_->redis_errors.inc();
      if (options_.limiter_failure == limits::FailureMode::closed) {
        co_await w.send_error(http::service_unavailable("Token quota unavailable: " + decision.error().message()));
        metrics_->record("ERROR", start);
        co_return;
      }
    } else if (!decision->allowed) {
      http::Headers headers;
      for (auto& h : token_quota_headers(*decision)) headers.emplace_back(h.name, h.value);
      http::Response refused{429, "application/json", token_quota_error_body(*decision), std::move(headers)};
      co_await w.send(std::move(refused));
      metrics_->record("RATE_LIMITED", start);
      co_return;
    } else {
      reservation = decision->reservation;
    }
  }

  // 3. Generation: shared through the single flight, or direct when it must not be cached.
  const auto generation_start = Clock::now();
  if (!answered) {
    if (!cacheable || cc.no_cache) {
      result = cacheable ? CacheResult::miss : CacheResult::bypass;
      std::string collected;
      EventSink sink = [&](std::string ev) -> asio::awaitable<Result<void>> {
        if (!out.started()) co_await out.start(result, cache_headers(result, std::nullopt, bypass_detail));
        if (cacheable) collected += ev;
        co_await out.events(ev);
        co_return Result<void>();
      };
      metrics_->upstream_calls.inc();
      // Nobody shares this answer: a non-streaming caller gets a non-stream upstream call.
      // (if/else, not ?: -- GCC 12 mis-compiles co_await inside a conditional expression.)
      Result<UpstreamChatResult> r = Error(ragcache::Errc::internal);
      // The body is not needed after this call: moved, not copied.
      if (cr.stream) {
        r = co_await stream_chat_upstream(*deps_.upstream, std::move(cr.body), sink, std::move(upstream_headers));
      } else if (cacheable) {
        r = co_await complete_chat_upstream(*deps_.upstream, std::move(cr.body), sink, std::move(upstream_headers));
      } else {
        // Nothing keeps this answer: it goes from the upstream's completion to the response
        // without becoming events (answer.h) on the way.
        auto whole = co_await complete_chat_answer(*deps_.upstream, std::move(cr.body), std::move(upstream_headers));
        if (whole) {
          co_await out.start(result, cache_headers(result, std::nullopt, bypass_detail));
          out.set_answer(std::move(whole->content), whole->finish_reason, std::move(whole->model),
                         std::move(whole->usage));
          r = UpstreamChatResult{std::move(whole->finish_reason)};
        } else {
          r = whole.error();
        }
      }
      if (!r) {
        failure = r.error();
      } else if (cacheable) {
        auto completion = r->finish_reason == "stop"     ? cache::Completion::complete
                          : r->finish_reason == "length" ? cache::Completion::truncated
                                                         : cache::Completion::refused;
        auto stored = co_await deps_.exact->store(*key, collected, completion);
        if (!stored) metrics_->redis_errors.inc();
      }
    } else {
      std::optional<cache::FlightRole> role;
      cache::StreamHandlers handlers;
      handlers.on_start = [&role](cache::FlightRole r) -> asio::awaitable<void> {
        role = r;
        co_return;
      };
      handlers.on_chunk = [&](std::string_view chunk) -> asio::awaitable<void> {
        if (!out.started()) {
          auto r = from_role(role.value_or(cache::FlightRole::leader));
          co_await out.start(r, cache_headers(r, std::nullopt, r == CacheResult::bypass ? "redis-unavailable" : ""));
        }
        co_await out.events(chunk);
      };
      cache::StreamCompute produce = [upstream = deps_.upstream, body = cr.body, headers = upstream_headers,
                                      calls = &metrics_->upstream_calls](cache::ChunkSink& sink) {
        return produce_answer(upstream, body, headers, calls, sink);
      };
      auto r = co_await deps_.flight->get_or_compute_stream(*key, std::move(produce), std::move(handlers));
      result = from_role(role.value_or(cache::FlightRole::leader));
      if (!r) failure = r.error();
    }
    if (!failure) {
      if (!out.started()) co_await out.start(result, cache_headers(result, std::nullopt, bypass_detail));
      co_await out.finish();
    }
    if (result == CacheResult::miss || result == CacheResult::bypass) {
      log.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - generation_start).count();
    }
  }

  if (reservation) {
    // Only a generation made by this request spent upstream tokens.
    const bool spent = out.result() == CacheResult::miss || out.result() == CacheResult::bypass;
    bool settled_ok = true;
    if (spent && !failure) {
      auto used = static_cast<std::int64_t>(total_tokens(out.answer().usage()));
      settled_ok = (co_await deps_.token_quota->settle(*reservation, used)).has_value();
    } else {
      settled_ok = (co_await deps_.token_quota->release(*reservation)).has_value();
    }
    if (!settled_ok) metrics_->redis_errors.inc();
  }
  if (failure) {
    spdlog::warn("chat completion failed: {}", failure->message());
    co_await out.fail(api_error_for(*failure));
    metrics_->record("ERROR", start);
    co_return;
  }
  result = out.result();
  if (result == CacheResult::hit || result == CacheResult::semantic || result == CacheResult::shared) {
    metrics_->tokens_saved.inc(total_tokens(out.answer().usage()));
  }

  if (sources && key && (result == CacheResult::miss)) {
    // link_stored also deletes the answer when a document changed since the snapshot.
    auto linked = co_await deps_.docs->links().link_stored(deps_.exact->keys().exact(key->ns, key->hash), *sources);
    if (!linked) metrics_->redis_errors.inc();
  }

  // Semantic store: a complete answer this request generated, under the plan's question.
  if (semantic_plan.store && key && result == CacheResult::miss && out.answer().finish_reason() == "stop") {
    const auto& a = out.answer();
    std::string events = content_event(a.content()) + finish_event(a.finish_reason(), a.model(), a.usage());
    auto inserted = co_await deps_.semantic->insert(semantic_plan.partition, semantic_plan.question, std::move(events),
                                                    key->hash, std::move(semantic_embedding));
    if (!inserted) spdlog::debug("semantic insert skipped: {}", inserted.error().message());
  }

  // 4. Hot questions: recorded in the background (never on the request's latency).
  if (deps_.hot) {
    if (auto question = last_user_text(cr.messages); !question.empty() && deps_.hot_recorder) {
      deps_.hot_recorder->add(ns.empty() ? "default" : ns, question);  // batched (hot_recorder.h)
    } else if (!question.empty()) {
      auto ex = co_await asio::this_coro::executor;
      asio::co_spawn(ex, record_hot(deps_.hot, ns.empty() ? "default" : ns, std::move(question)), asio::detached);
    }
  }

  // 5. Session: the new messages and the answer join the window, atomically.
  if (!sid.empty()) {
    session::Message answer;
    answer.role = "assistant";
    answer.content = out.answer().content();
    answer.content_tokens = completion_tokens(out.answer().usage());
    to_append.push_back(std::move(answer));
    auto appended = co_await deps_.sessions->append(sid, std::move(to_append));
    if (!appended) spdlog::warn("session {}: append failed: {}", sid, appended.error().message());
  }
  log.cache = x_cache_value(result);
  metrics_->record(x_cache_value(result), start);
}

asio::awaitable<void> Gateway::models(http::Request& req, http::ResponseWriter& w) {
  http::UpstreamRequest up;
  up.method = boost::beast::http::verb::get;
  up.endpoint = "/models";
  if (options_.forward_authorization && req.has_header("Authorization")) {
    up.headers.emplace_back("Authorization", std::string(req.header("Authorization")));
  }
  auto r = co_await deps_.upstream->send(std::move(up));
  if (!r) {
    co_await w.send_error(api_error_for(r.error()));
    co_return;
  }
  http::Response passed{r->status, "application/json", std::move(r->body), {}};
  co_await w.send(std::move(passed));
}

asio::awaitable<void> Gateway::readyz(http::Request&, http::ResponseWriter& w) {
  const bool cache_ok = deps_.cache_redis->connected();
  const bool state_ok = deps_.state_redis->connected();
  json::object o;
  o["status"] = cache_ok && state_ok ? "ready" : "not ready";
  o["cache_redis"] = cache_ok;
  o["state_redis"] = state_ok;
  co_await w.send_json(cache_ok && state_ok ? 200 : 503, json::serialize(o));
}

}  // namespace ragcache::gateway
