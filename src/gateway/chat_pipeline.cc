#include "gateway/chat_pipeline.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "domain/cache/canonical_key.h"
#include "gateway/limit_headers.h"
#include "domain/session/validation.h"
#include "gateway/answer_lines.h"
#include "gateway/answer_producer.h"
#include "gateway/answer_writer.h"
#include "gateway/cache_headers.h"
#include "gateway/chat_inputs.h"
#include "gateway/hot_recorder.h"
#include "gateway/semantic_step.h"
#include "gateway/upstream_call.h"
#include "redis/errors.h"
#include "tokens/chat.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct ChatFlow {
  ChatFlow(ChatInputs inputs, http::ResponseWriter& w, RequestLog& l, Clock::time_point t)
      : in(std::move(inputs)), out(w, *in.format, in.stream, in.include_usage), log(l), start(t) {}

  ChatInputs in;
  AnswerWriter out;
  RequestLog& log;
  Clock::time_point start;
  // session
  std::vector<session::Message> to_append;
  // key
  bool cacheable = false;
  // The exact lookup could not ask Redis (down, slow, refusing): nothing more is asked of the
  // cache, but the answer still goes through the single flight, which shares one in-process
  // generation among this gateway's callers of the key without Redis (single_flight.h).
  bool redis_down = false;
  std::string bypass_detail;
  std::optional<docs::SourceSnapshot> sources;
  std::vector<cache::ChatMessage> key_messages;
  std::optional<cache::CacheKey> key;
  // lookup
  SemanticPlan semantic;
  std::vector<float> semantic_embedding;  // the lookup's vector, reused by the insert after a miss
  // reserve
  std::optional<limits::Reservation> reservation;
  // generate
  std::optional<FailureReply> failure;
  std::string_view failure_label = "ERROR";
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

std::string_view api_name(ApiKind api) { return api == ApiKind::chat ? "chat" : "responses"; }

session::Message session_message_of(const json::object& m) {
  session::Message out;
  if (const auto* role = m.if_contains("role"); role && role->is_string()) out.role = std::string(role->as_string());
  if (const auto* content = m.if_contains("content")) out.content = openai::content_text(*content);
  if (const auto* name = m.if_contains("name"); name && name->is_string()) out.name = std::string(name->as_string());
  if (const auto* id = m.if_contains("tool_call_id"); id && id->is_string()) out.tool_call_id = std::string(id->as_string());
  if (const auto* calls = m.if_contains("tool_calls"); calls && !calls->is_null()) out.tool_calls = *calls;
  return out;
}

std::vector<cache::ChatMessage> cache_messages(const std::vector<openai::KeyMessage>& messages) {
  std::vector<cache::ChatMessage> out;
  out.reserve(messages.size());
  for (const auto& m : messages) out.push_back(cache::ChatMessage{m.role, m.content, m.extras});
  return out;
}

void fail_with(ChatFlow& f, FailureReply reply, std::string_view label = "ERROR") {
  f.failure = std::move(reply);
  f.failure_label = label;
}

asio::awaitable<void> record_hot(hot::HotQuestions* hot, std::string ns, std::string question) {
  auto r = co_await hot->record(ns, question);
  if (!r) spdlog::debug("hot question not recorded: {}", r.error().message());
}

}  // namespace

ChatPipeline::ChatPipeline(const GatewayDeps& deps, const GatewayOptions& options, GatewayMetrics& metrics)
    : deps_(deps), options_(options), metrics_(metrics), chat_memo_(chat_format()),
      responses_memo_(responses_format()) {}

ChatPipeline::~ChatPipeline() = default;

asio::awaitable<void> ChatPipeline::run(ApiKind api, http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                        RequestLog& log) {
  const auto start = Clock::now();
  InputRules rules;
  rules.forward_authorization = options_.forward_authorization;
  auto inputs = parse_chat_inputs(req, api, caller, rules);
  if (!inputs) {
    co_await w.send_error(inputs.error());
    metrics_.record("ERROR", start);
    co_return;
  }
  ChatFlow f(std::move(*inputs), w, log, start);
  Next next = Next::proceed;
  for (auto step : {&ChatPipeline::session_step, &ChatPipeline::key_step, &ChatPipeline::lookup_step,
                    &ChatPipeline::reserve_step, &ChatPipeline::generate_step}) {
    next = co_await (this->*step)(f);
    if (next != Next::proceed) break;
  }
  co_await settle_step(f);
  if (next == Next::failed) {
    co_await fail(f);
    co_return;
  }
  if (f.in.controls.session) co_await record_turn_step(f);
  auto delivered = co_await f.out.deliver();
  if (!delivered) spdlog::debug("answer not delivered: {}", delivered.error().message());
  co_await after_answer_step(f);
  const auto label = x_cache_value(f.out.result());
  log.cache = label;
  metrics_.record(label, start);
}

asio::awaitable<void> ChatPipeline::fail(ChatFlow& f) {
  if (!f.failure) f.failure = failure_reply(http::internal_error("The request failed"));
  co_await f.out.fail(*f.failure);
  metrics_.record(f.failure_label, f.start);
}

// Session mode: the stored window goes in front of the new messages; both make the key.
asio::awaitable<ChatPipeline::Next> ChatPipeline::session_step(ChatFlow& f) {
  if (!f.in.controls.session) co_return Next::proceed;
  const std::string sid = tenant_scoped_id(f.in.caller.tenant, f.in.controls.session->value);
  const auto& request_messages = f.in.body.at("messages").as_array();
  for (const auto& m : request_messages) f.to_append.push_back(session_message_of(m.as_object()));
  // A turn that could not be stored afterwards is refused before any upstream call: the new
  // messages plus the answer must pass the store's own checks (roles, sizes, count).
  std::vector<session::Message> turn = f.to_append;
  turn.emplace_back().role = "assistant";
  const auto& store = *deps_.sessions;
  if (auto ok = session::prepare_append(turn, store.options(), {}, store.counter(), 0); !ok) {
    fail_with(f, failure_reply(http::invalid_request("This turn cannot be kept in session '" +
                                                         f.in.controls.session->value + "': " + ok.error().detail,
                                                     "X-Session-Id")));
    co_return Next::failed;
  }
  auto window = co_await deps_.sessions->read(sid);
  if (!window) {
    fail_with(f, failure_reply(http::service_unavailable("Session store unavailable: " + window.error().message())));
    co_return Next::failed;
  }
  json::array effective = window->openai_messages();
  for (const auto& m : request_messages) effective.push_back(m);
  f.in.messages = openai::key_messages(effective);
  f.in.body["messages"] = std::move(effective);
  co_return Next::proceed;
}

// Bypass or cache, and under which key. The same 400 for a malformed key input whether or not
// the request is cached.
asio::awaitable<ChatPipeline::Next> ChatPipeline::key_step(ChatFlow& f) {
  const auto& cc = f.in.controls.cache_control;
  f.cacheable = f.in.bypass_reason.empty() && !cc.no_store;
  if (!f.in.bypass_reason.empty()) f.bypass_detail = std::string(f.in.bypass_reason);
  if (cc.no_store) f.bypass_detail = "no-store";
  f.in.params.emplace_back("x-api", api_name(f.in.format->kind()));

  // Answers built on documents (X-Source-Docs): the documents' current versions join the key,
  // so once a document is re-ingested no request can reach an answer made from the old one;
  // the answer is also linked to the documents so the re-ingest deletes it.
  if (f.in.controls.source_docs && deps_.docs && f.cacheable) {
    auto snap = co_await deps_.docs->links().snapshot(*f.in.controls.source_docs);
    if (!snap) {
      if (!redis::is_unavailable(snap.error())) {
        fail_with(f, failure_reply(http::invalid_request("X-Source-Docs: " + snap.error().message(), "X-Source-Docs")));
        co_return Next::failed;
      }
      metrics_.redis_errors.inc();
      f.cacheable = false;
      f.bypass_detail = "source-docs-unavailable";
    } else {
      std::string versions;
      for (const auto& [id, version] : snap->docs) versions += id + "@" + std::to_string(version) + ",";
      f.in.params.emplace_back("x-source-docs", std::move(versions));
      f.sources = std::move(*snap);
    }
  }

  const auto& ns = f.in.controls.name_space.value;
  if (!f.cacheable) {
    if (auto ok = cache::validate_key_inputs(ns, f.in.model, f.in.params); !ok) {
      fail_with(f, failure_reply(http::invalid_request(ok.error().message())));
      co_return Next::failed;
    }
    co_return Next::proceed;
  }
  // The messages and parameters lend themselves to the key's input and come back afterwards:
  // no copy of the conversation per request.
  cache::CanonicalRequest canonical{ns, f.in.caller.tenant, f.in.model, cache_messages(f.in.messages), std::move(f.in.params)};
  auto made = cache::make_cache_key(canonical);
  f.key_messages = std::move(canonical.messages);
  f.in.params = std::move(canonical.params);
  if (!made) {
    fail_with(f, failure_reply(http::invalid_request(made.error().message())));
    co_return Next::failed;
  }
  f.key = std::move(*made);
  co_return Next::proceed;
}

asio::awaitable<ChatPipeline::Next> ChatPipeline::lookup_step(ChatFlow& f) {
  const auto& cc = f.in.controls.cache_control;
  AnswerMemo& answers = memo(f.in.format->kind());
  if (f.cacheable && !cc.no_cache) {
    auto hit = co_await deps_.exact->lookup(*f.key);
    if (hit && *hit) {
      if (auto prepared = answers.get(**hit)) {
        f.out.use_prepared(CacheResult::hit, cache_headers(CacheResult::hit), std::move(prepared));
        co_return Next::answered;
      }
      spdlog::warn("exact cache entry {} is not a stored answer: treated as a miss", f.key->hash);
    } else if (!hit) {
      metrics_.redis_errors.inc();
      f.redis_down = true;
      f.bypass_detail = "redis-unavailable";
    }
  }
  // The semantic cache, only after an exact miss: an exact hit pays nothing for it.
  f.semantic = plan_semantic({.enabled = deps_.semantic != nullptr,
                              .cacheable = f.cacheable && !f.redis_down,
                              .plain_text = f.in.not_plain_text.empty(),
                              .no_cache = cc.no_cache,
                              .has_source_docs = f.in.controls.source_docs.has_value(),
                              .tenant = f.in.caller.tenant,
                              .model = f.in.model,
                              .name_space = f.in.controls.name_space.value,
                              .embedder_id = options_.semantic_embedder_id,
                              .messages = &f.key_messages,
                              .params = &f.in.params,
                              .resolved_query = f.in.controls.resolved_query,
                              // One cache for everyone: a caller's X-Resolved-Query may look an
                              // answer up, never file one under a question it did not ask.
                              .store_resolved_query = !options_.shared_tenant});
  if (!f.semantic.lookup) co_return Next::proceed;
  auto floor = deps_.semantic->thresholds().resolve(f.in.controls.name_space.value);
  const float threshold = effective_threshold(floor ? *floor : deps_.semantic->thresholds().default_threshold(),
                                              f.in.controls.semantic_threshold);
  auto hit = co_await deps_.semantic->lookup(f.semantic.partition, f.semantic.question, threshold,
                                             &f.semantic_embedding);
  if (hit && *hit) {
    if (auto prepared = answers.get((*hit)->answer)) {
      f.out.use_prepared(CacheResult::semantic, cache_headers(CacheResult::semantic, (*hit)->similarity),
                         std::move(prepared));
      co_return Next::answered;
    }
  } else if (!hit) {
    if (redis::is_unavailable(hit.error())) metrics_.redis_errors.inc();
    spdlog::debug("semantic lookup skipped: {}", hit.error().message());
  }
  co_return Next::proceed;
}

std::int64_t ChatPipeline::estimate_tokens(const ChatFlow& f) const {
  // Prompt: counted (exactly when the BPE counter is configured) with the chat format's overhead
  // (tokens/chat.h, the one formula); answer: the request's output limit when given, else a default.
  std::size_t messages = 0;
  for (const auto& m : f.in.messages) {
    const std::size_t text = deps_.token_counter ? deps_.token_counter->count(m.content) : m.content.size() / 4;
    messages += tokens::chat_message_tokens(tokens::kTokensPerRole, text);
  }
  const auto prompt = static_cast<std::int64_t>(tokens::chat_prompt_tokens(messages));
  return prompt + f.in.max_output_tokens.value_or(options_.default_completion_estimate);
}

// The token quota: the estimated cost is reserved before any upstream call (refused: 429,
// nothing charged) and settled with the real usage afterwards.
asio::awaitable<ChatPipeline::Next> ChatPipeline::reserve_step(ChatFlow& f) {
  const auto& tokens = f.in.caller.tokens;
  if (tokens.unlimited() || !deps_.token_quota) co_return Next::proceed;
  auto decision = co_await deps_.token_quota->reserve(f.in.caller.rate_subject, tokens, estimate_tokens(f));
  if (!decision) {
    metrics_.redis_errors.inc();
    if (options_.limiter_failure == limits::FailureMode::closed) {
      fail_with(f, failure_reply(http::service_unavailable("Token quota unavailable: " + decision.error().message())));
      co_return Next::failed;
    }
    co_return Next::proceed;
  }
  if (!decision->allowed) {
    FailureReply refused;
    refused.status = 429;
    refused.body = token_quota_error_body(*decision);
    for (auto& h : token_quota_headers(*decision)) refused.headers.emplace_back(h.name, h.value);
    fail_with(f, std::move(refused), "RATE_LIMITED");
    co_return Next::failed;
  }
  f.reservation = decision->reservation;
  co_return Next::proceed;
}

asio::awaitable<ChatPipeline::Next> ChatPipeline::generate_step(ChatFlow& f) {
  const auto generation_start = Clock::now();
  Next next = Next::proceed;
  // Nothing may be cached, or the caller skips the lookup: one straight call (a no-cache answer
  // is still stored). Otherwise the answer is shared through the single flight, also when Redis
  // is down: then at most one model call per key on this gateway, its other callers SHARED.
  if (!f.cacheable || f.in.controls.cache_control.no_cache) {
    next = co_await generate_direct(f);
  } else {
    next = co_await generate_shared(f);
  }
  const auto result = f.out.result();
  if (result == CacheResult::miss || result == CacheResult::bypass) {
    f.log.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - generation_start).count();
  }
  co_return next;
}

asio::awaitable<ChatPipeline::Next> ChatPipeline::generate_direct(ChatFlow& f) {
  const CacheResult result = f.cacheable ? CacheResult::miss : CacheResult::bypass;
  f.out.set_result(result, cache_headers(result, std::nullopt, f.bypass_detail));
  // A coroutine, not a lambda returning lines(): the view of `lines` must outlive its await.
  LineSink to_caller = [&f](std::string lines) -> asio::awaitable<Result<void>> { co_return co_await f.out.lines(lines); };
  metrics_.upstream_calls.inc();
  auto called = co_await call_upstream(*deps_.upstream, *f.in.format, std::move(f.in.body), f.in.stream,
                                       f.in.upstream_headers, to_caller);
  if (called) called = f.out.complete();
  if (!called) {
    fail_with(f, failure_reply(called.error()));
    spdlog::warn("{} request failed: {}", api_name(f.in.format->kind()), called.error().message());
    co_return Next::failed;
  }
  if (f.cacheable) {
    const auto* answer = f.out.answer();
    auto stored = co_await deps_.exact->store(*f.key, answer_line(f.out.answer_json()),
                                              completion_of(f.in.format->judge(*answer)));
    if (!stored) metrics_.redis_errors.inc();
  }
  co_return Next::proceed;
}

asio::awaitable<ChatPipeline::Next> ChatPipeline::generate_shared(ChatFlow& f) {
  std::optional<Error> relay_error;
  cache::StreamHandlers handlers;
  handlers.on_start = [&f](cache::FlightRole role) -> asio::awaitable<void> {
    const auto r = from_role(role);
    f.out.set_result(r, cache_headers(r, std::nullopt, r == CacheResult::bypass ? "redis-unavailable" : ""));
    co_return;
  };
  handlers.on_chunk = [&f, &relay_error](std::string_view chunk) -> asio::awaitable<void> {
    if (relay_error) co_return;
    auto r = co_await f.out.lines(chunk);
    if (!r) relay_error = r.error();
  };
  UpstreamCallSpec spec{deps_.upstream, f.in.format, std::move(f.in.body), f.in.stream, f.in.upstream_headers,
                        &metrics_.upstream_calls};
  cache::StreamCompute produce = [spec = std::move(spec)](cache::ChunkSink& sink) {
    return produce_answer(spec, sink);
  };
  auto r = co_await deps_.flight->get_or_compute_stream(*f.key, std::move(produce), std::move(handlers));
  if (!f.out.result_set()) f.out.set_result(CacheResult::miss, cache_headers(CacheResult::miss));
  Result<void> done = relay_error ? Result<void>(*relay_error) : Result<void>();
  if (!r) done = r.error();
  if (done) done = f.out.complete();
  if (!done) {
    fail_with(f, failure_reply(done.error()));
    spdlog::warn("{} request failed: {}", api_name(f.in.format->kind()), done.error().message());
    co_return Next::failed;
  }
  co_return Next::proceed;
}

asio::awaitable<void> ChatPipeline::settle_step(ChatFlow& f) {
  if (!f.reservation) co_return;
  // Only a generation made by this request spent upstream tokens.
  const auto result = f.out.result();
  const bool spent = !f.failure && (result == CacheResult::miss || result == CacheResult::bypass);
  bool settled = true;
  if (spent) {
    const auto used = static_cast<std::int64_t>(f.out.total_tokens());
    settled = (co_await deps_.token_quota->settle(*f.reservation, used)).has_value();
  } else {
    settled = (co_await deps_.token_quota->release(*f.reservation)).has_value();
  }
  if (!settled) metrics_.redis_errors.inc();
}

asio::awaitable<void> ChatPipeline::after_answer_step(ChatFlow& f) {
  const auto result = f.out.result();
  const auto* answer = f.out.answer();
  if (result == CacheResult::hit || result == CacheResult::semantic || result == CacheResult::shared) {
    metrics_.tokens_saved.inc(f.out.total_tokens());
  }
  const bool generated_here = result == CacheResult::miss && f.key.has_value();
  const bool reusable = answer && f.in.format->judge(*answer) == openai::AnswerVerdict::reusable;
  if (f.sources && generated_here) {
    // link_stored also deletes the answer when a document changed since the snapshot.
    auto linked = co_await deps_.docs->links().link_stored(deps_.exact->keys().exact(f.key->ns, f.key->hash), *f.sources);
    if (!linked) metrics_.redis_errors.inc();
  }
  if (f.semantic.store && generated_here && reusable) {
    auto inserted = co_await deps_.semantic->insert(f.semantic.partition, f.semantic.question,
                                                    answer_line(f.out.answer_json()), f.key->hash,
                                                    std::move(f.semantic_embedding));
    if (!inserted) spdlog::debug("semantic insert skipped: {}", inserted.error().message());
  }
  // Hot questions: recorded in the background (never on the request's latency), in the caller's
  // tenant's ranking and in the all-tenant one the operator sees.
  if (deps_.hot) {
    const auto& ns = f.in.controls.name_space.value;
    const std::string hot_ns = ns.empty() ? "default" : ns;
    if (auto question = openai::last_user_text(f.in.messages); !question.empty()) {
      const std::string tenant_scope = tenant_scoped_id(f.in.caller.tenant, hot_ns);
      const std::string all_scope = tenant_scoped_id(kAllTenants, hot_ns);
      const std::array<std::string_view, 2> scopes{tenant_scope, all_scope};
      if (deps_.hot_recorder) {
        deps_.hot_recorder->add(scopes, question);  // batched (hot_recorder.h)
      } else {
        auto ex = co_await asio::this_coro::executor;
        for (std::string_view scope : scopes) {
          asio::co_spawn(ex, record_hot(deps_.hot, std::string(scope), question), asio::detached);
        }
      }
    }
  }
}

// The new messages and the answer join the window, atomically, before the caller has the whole
// answer (its next turn then sees this one). A turn that cannot be stored is not silent: the
// response says so (X-Session-Error, or an SSE comment on a stream under way) and it is counted.
asio::awaitable<void> ChatPipeline::record_turn_step(ChatFlow& f) {
  const auto* final_answer = f.out.answer();
  if (!final_answer) co_return;
  const auto turn = f.in.format->turn(*final_answer);
  session::Message answer;
  answer.role = "assistant";
  answer.content = turn.content;
  if (!turn.tool_calls.is_null()) answer.tool_calls = turn.tool_calls;
  if (auto tokens = openai::usage_output_tokens(*final_answer)) answer.content_tokens = *tokens;
  f.to_append.push_back(std::move(answer));
  const std::string sid = tenant_scoped_id(f.in.caller.tenant, f.in.controls.session->value);
  auto appended = co_await deps_.sessions->append(sid, std::move(f.to_append));
  if (!appended) {
    metrics_.session_errors.inc();
    spdlog::warn("session {}: turn not stored: {}", sid, appended.error().message());
    f.out.add_header("X-Session-Error", "turn not stored: " + appended.error().message());
  }
}

}  // namespace ragcache::gateway
