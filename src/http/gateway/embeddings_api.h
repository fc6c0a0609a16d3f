// POST /v1/embeddings in the gateway: OpenAI's request and response shapes, cached per input.
//
// Each input text is looked up in the embeddings cache (embed/embedding_cache.h) under
// `emb:<scope>:<sha256 of the text>`, scope = model (+ "@<dimensions>" when asked for), preceded
// by the tenant unless the cache is shared ("t<tenant>.<model>"), so a caller cannot learn
// through X-Cache which texts another tenant embedded. Only the inputs not found (each distinct
// text once) go upstream, in one call to the upstream's /embeddings; their vectors are stored,
// and the response lists every input in input order with its `index`.
//
// `usage` counts only what was sent upstream now (the upstream's own numbers; 0 when every
// input was cached): it is what this request cost. Response headers: X-Cache: HIT when every
// input came from the cache, MISS otherwise (BYPASS when Redis is down: everything went
// upstream, nothing stored), and X-Cache-Hits: <cached>/<inputs>.
//
// Upstream errors are passed back with their status and body, nothing stored. Bad input -> 400
// in the OpenAI error shape: `input` missing, empty, not a string or an array of non-empty
// strings (token-id arrays are not supported), more than max_inputs items or an item longer
// than max_input_bytes; `model` missing; `encoding_format` not float|base64; `dimensions` not a
// positive integer.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embed/embedder.h"
#include "embed/openai_embedding_json.h"
#include "http/api_error.h"

namespace ragcache::gateway {

struct EmbeddingsLimits {
  std::size_t max_inputs = 2048;          // OpenAI's own limit per request
  std::size_t max_input_bytes = 64 * 1024;
};

struct EmbeddingsRequest {
  std::string model;
  std::vector<std::string> inputs;
  bool base64 = false;  // encoding_format == "base64"
  std::optional<std::size_t> dimensions;
};

boost::system::result<EmbeddingsRequest, http::ApiError> parse_embeddings_request(std::string_view body,
                                                                                  const EmbeddingsLimits& limits = {});

// The embeddings-cache model segment for a request (see above).
std::string embeddings_cache_scope(std::string_view tenant, bool shared_tenant, const EmbeddingsRequest& req);

// The response body: {"object":"list","data":[...],"model":...,"usage":{...}}.
std::string render_embeddings_response(std::string_view model, std::span<const embed::Vector> vectors, bool base64,
                                       const embed::EmbeddingUsage& usage);

}  // namespace ragcache::gateway
