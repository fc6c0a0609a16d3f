#include "gateway/embeddings_api.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>

#include "gateway/cache_headers.h"
#include "gateway/upstream_failure.h"
#include "gateway/gateway.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

std::string embeddings_cache_scope(std::string_view tenant, const openai::EmbeddingsRequest& req) {
  std::string scope = "t";
  scope += tenant;
  scope += '.';
  scope += req.model;
  if (req.dimensions) scope += "@" + std::to_string(*req.dimensions);
  return scope;
}


asio::awaitable<void> Gateway::embeddings(http::Request& req, http::ResponseWriter& w, const Caller& caller,
                                          RequestLog& log) {
  auto parsed = openai::parse_embeddings_request(req.body(), options_.embeddings);
  if (!parsed) {
    auto e = parsed.error();
    co_await w.send_error(http::invalid_request(std::move(e.message), std::move(e.param), std::move(e.code)));
    co_return;
  }
  openai::EmbeddingsRequest er = std::move(*parsed);
  // The same request budget as chat: an embeddings call costs an upstream call too.
  const bool admitted = co_await within_request_rate(caller, w);
  if (!admitted) co_return;
  const std::string scope = embeddings_cache_scope(caller.tenant, er);
  auto& inputs_counter = deps_.metrics->counter("embedding_inputs_total", "Inputs of /v1/embeddings by cache result",
                                                {"cache"});

  // 1. Cached vectors (Redis down: everything goes upstream, nothing is stored).
  std::vector<std::optional<embed::Vector>> vectors(er.inputs.size());
  bool cache_ok = deps_.embeddings != nullptr;
  if (cache_ok) {
    auto cached = co_await deps_.embeddings->get(scope, er.inputs);
    if (cached) {
      vectors = std::move(*cached);
    } else {
      cache_ok = false;
      spdlog::debug("embeddings cache unavailable: {}", cached.error().message());
    }
  }

  // 2. The rest, each distinct text once, in one upstream call.
  std::vector<std::string> missing;
  std::unordered_map<std::string_view, std::size_t> missing_index;
  std::vector<std::size_t> slot_of_input(er.inputs.size(), SIZE_MAX);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < er.inputs.size(); ++i) {
    if (vectors[i]) {
      ++hits;
      continue;
    }
    auto [it, fresh] = missing_index.try_emplace(er.inputs[i], missing.size());
    if (fresh) missing.push_back(er.inputs[i]);
    slot_of_input[i] = it->second;
  }
  openai::EmbeddingUsage usage;
  if (!missing.empty()) {
    http::UpstreamRequest up;
    up.endpoint = "/embeddings";
    up.body = openai::build_embedding_request(er.model, missing, er.dimensions);
    if (options_.forward_authorization && req.has_header("Authorization")) {
      up.headers.emplace_back("Authorization", std::string(req.header("Authorization")));
    }
    const auto upstream_start = std::chrono::steady_clock::now();
    auto r = co_await deps_.upstream->send(std::move(up));
    log.upstream_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - upstream_start).count();
    if (!r) {
      auto failed = failure_reply(r.error());
      http::Response reply{failed.status, failed.content_type, std::move(failed.body), std::move(failed.headers)};
      co_await w.send(std::move(reply));
      co_return;
    }
    if (!r->ok()) {
      // The upstream's own error, status and body as they are; nothing stored.
      http::Response passed{r->status, "application/json", std::move(r->body), {}};
      co_await w.send(std::move(passed));
      co_return;
    }
    auto fresh = openai::parse_embedding_response(r->body, missing.size());
    if (!fresh) {
      co_await w.send_error(http::bad_gateway("Upstream embeddings response: " + fresh.error().message()));
      co_return;
    }
    usage = fresh->usage;
    if (cache_ok) {
      auto stored = co_await deps_.embeddings->put(scope, missing, fresh->vectors);
      if (!stored) spdlog::debug("embeddings not cached: {}", stored.error().message());
    }
    for (std::size_t i = 0; i < er.inputs.size(); ++i) {
      if (slot_of_input[i] != SIZE_MAX) vectors[i] = fresh->vectors[slot_of_input[i]];
    }
  }

  std::vector<embed::Vector> ordered;
  ordered.reserve(vectors.size());
  for (auto& v : vectors) ordered.push_back(std::move(*v));
  const CacheResult result = !cache_ok ? CacheResult::bypass : (missing.empty() ? CacheResult::hit : CacheResult::miss);
  log.cache = x_cache_value(result);
  inputs_counter.with({"hit"}).inc(hits);
  inputs_counter.with({"miss"}).inc(er.inputs.size() - hits);
  http::Headers headers;
  headers.emplace_back("X-Cache", std::string(x_cache_value(result)));
  headers.emplace_back("X-Cache-Hits", std::to_string(hits) + "/" + std::to_string(er.inputs.size()));
  co_await w.send_json(200, openai::render_embeddings_response(er.model, ordered, er.base64, usage), std::move(headers));
}

}  // namespace ragcache::gateway
