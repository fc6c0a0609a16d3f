// POST /v1/embeddings in the gateway: OpenAI's request and response shapes, cached per input.
//
// Each input text is looked up in the embeddings cache (embed/embedding_cache.h) under
// `emb:<scope>:<sha256 of the text>`, scope = "t<tenant>.<model>" (+ "@<dimensions>" when asked
// for), so a caller cannot learn through X-Cache which texts another tenant embedded (the
// tenant is "shared" under --shared-tenant). Only the inputs not found (each distinct
// text once) go upstream, in one call to the upstream's /embeddings; their vectors are stored,
// and the response lists every input in input order with its `index`.
//
// `usage` counts only what was sent upstream now (the upstream's own numbers; 0 when every
// input was cached): it is what this request cost. Response headers: X-Cache: HIT when every
// input came from the cache, MISS otherwise (BYPASS when Redis is down: everything went
// upstream, nothing stored), and X-Cache-Hits: <cached>/<inputs>.
//
// Upstream errors are passed back with their status and body, nothing stored. Bad input -> 400
// in the OpenAI error shape (openai/embeddings_wire.h says what is refused).
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openai/embeddings_wire.h"

namespace ragcache::gateway {

// The embeddings-cache model segment for a request (see above).
std::string embeddings_cache_scope(std::string_view tenant, const openai::EmbeddingsRequest& req);


}  // namespace ragcache::gateway
