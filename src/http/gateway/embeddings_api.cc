#include "http/gateway/embeddings_api.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>

#include "http/gateway/cache_headers.h"
#include "http/gateway/errors.h"
#include "http/gateway/gateway.h"
#include "http/mock_llm.h"

namespace ragcache::gateway {

namespace asio = boost::asio;
namespace json = boost::json;

boost::system::result<EmbeddingsRequest, http::ApiError> parse_embeddings_request(std::string_view body,
                                                                                  const EmbeddingsLimits& limits) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return http::invalid_request("Request body is not valid JSON: " + ec.message(), std::nullopt, "invalid_json");
  const auto* o = doc.if_object();
  if (!o) return http::invalid_request("Request body must be a JSON object");
  EmbeddingsRequest req;
  const auto* model = o->if_contains("model");
  if (!model || !model->is_string() || model->get_string().empty()) {
    return http::invalid_request("you must provide a model parameter", "model");
  }
  req.model = std::string(model->get_string());

  const auto* input = o->if_contains("input");
  if (!input || input->is_null()) return http::invalid_request("'input' is required", "input");
  auto add = [&](const json::value& v) -> std::optional<http::ApiError> {
    if (!v.is_string()) {
      return http::invalid_request("'input' must be a string or an array of strings", "input");
    }
    const auto& s = v.get_string();
    if (s.empty()) return http::invalid_request("'input' must not contain empty strings", "input");
    if (s.size() > limits.max_input_bytes) {
      return http::invalid_request("an 'input' item is longer than " + std::to_string(limits.max_input_bytes) + " bytes",
                                   "input");
    }
    req.inputs.emplace_back(s.data(), s.size());
    return std::nullopt;
  };
  if (input->is_array()) {
    const auto& items = input->get_array();
    if (items.empty()) return http::invalid_request("'input' must not be an empty array", "input");
    if (items.size() > limits.max_inputs) {
      return http::invalid_request("'input' has more than " + std::to_string(limits.max_inputs) + " items", "input");
    }
    req.inputs.reserve(items.size());
    for (const auto& item : items) {
      if (auto e = add(item)) return *e;
    }
  } else if (auto e = add(*input)) {
    return *e;
  }

  if (const auto* f = o->if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->get_string() != "float" && f->get_string() != "base64")) {
      return http::invalid_request("'encoding_format' must be 'float' or 'base64'", "encoding_format");
    }
    req.base64 = f->get_string() == "base64";
  }
  if (const auto* d = o->if_contains("dimensions"); d && !d->is_null()) {
    if (!(d->is_int64() || d->is_uint64()) || d->to_number<std::int64_t>() < 1 || d->to_number<std::int64_t>() > 65536) {
      return http::invalid_request("'dimensions' must be a positive integer", "dimensions");
    }
    req.dimensions = d->to_number<std::size_t>();
  }
  return req;
}

std::string embeddings_cache_scope(std::string_view tenant, bool shared_tenant, const EmbeddingsRequest& req) {
  std::string scope;
  if (!shared_tenant) {
    scope = "t";
    scope += tenant;
    scope += '.';
  }
  scope += req.model;
  if (req.dimensions) scope += "@" + std::to_string(*req.dimensions);
  return scope;
}

std::string render_embeddings_response(std::string_view model, std::span<const embed::Vector> vectors, bool base64,
                                       const embed::EmbeddingUsage& usage) {
  json::array data;
  data.reserve(vectors.size());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    json::object item;
    item["object"] = "embedding";
    item["index"] = i;
    if (base64) {
      item["embedding"] = http::embedding_to_base64(vectors[i]);
    } else {
      json::array values;
      values.reserve(vectors[i].size());
      for (float x : vectors[i]) values.emplace_back(static_cast<double>(x));
      item["embedding"] = std::move(values);
    }
    data.emplace_back(std::move(item));
  }
  json::object out;
  out["object"] = "list";
  out["data"] = std::move(data);
  out["model"] = model;
  out["usage"] = json::object{{"prompt_tokens", usage.prompt_tokens}, {"total_tokens", usage.total_tokens}};
  return json::serialize(out);
}

asio::awaitable<void> Gateway::embeddings(http::Request& req, http::ResponseWriter& w, RequestLog& log) {
  auto parsed = parse_embeddings_request(req.body(), options_.embeddings);
  if (!parsed) {
    co_await w.send_error(parsed.error());
    co_return;
  }
  EmbeddingsRequest er = std::move(*parsed);
  const std::string tenant = tenant_of(req);
  // The same request budget as chat: an embeddings call costs an upstream call too.
  const bool admitted = co_await within_request_rate(tenant, w);
  if (!admitted) co_return;
  const std::string scope = embeddings_cache_scope(tenant, options_.shared_tenant, er);
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
  embed::EmbeddingUsage usage;
  if (!missing.empty()) {
    http::UpstreamRequest up;
    up.endpoint = "/embeddings";
    up.body = embed::build_embedding_request(er.model, missing, er.dimensions);
    if (options_.forward_authorization && req.has_header("Authorization")) {
      up.headers.emplace_back("Authorization", std::string(req.header("Authorization")));
    }
    const auto upstream_start = std::chrono::steady_clock::now();
    auto r = co_await deps_.upstream->send(std::move(up));
    log.upstream_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - upstream_start).count();
    if (!r) {
      co_await w.send_error(api_error_for(r.error()));
      co_return;
    }
    if (!r->ok()) {
      // The upstream's own error, status and body as they are; nothing stored.
      http::Response passed{r->status, "application/json", std::move(r->body), {}};
      co_await w.send(std::move(passed));
      co_return;
    }
    auto fresh = embed::parse_embedding_response(r->body, missing.size());
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
  co_await w.send_json(200, render_embeddings_response(er.model, ordered, er.base64, usage), std::move(headers));
}

}  // namespace ragcache::gateway
