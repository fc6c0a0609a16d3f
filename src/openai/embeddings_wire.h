// The JSON of OpenAI's /v1/embeddings, both directions and both sides, as pure functions
// (unit-tested without sockets). Used by OpenAiEmbedder (client side), by the gateway's
// /v1/embeddings endpoint (which parses what callers send and what the upstream answers) and by
// the mock LLM (which answers).
//
//   request:  {"model":"...","input":["a","b"],"encoding_format":"float"[,"dimensions":N]}
//   response: {"object":"list","data":[{"object":"embedding","index":0,"embedding":[...]},...],
//              "model":"...","usage":{"prompt_tokens":N,"total_tokens":N}}
// `embedding` may also be a base64 string of little-endian float32 (encoding_format=base64).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "openai/request_error.h"

namespace ragcache::openai {

using EmbeddingVector = std::vector<float>;

// The body of an upstream call; `dimensions` is sent only when given. Vectors are always asked
// for as floats (what parse_embedding_response reads most simply and exactly).
std::string build_embedding_request(std::string_view model, std::span<const std::string> inputs,
                                    std::optional<std::size_t> dimensions = std::nullopt);

struct EmbeddingUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t total_tokens = 0;
};

struct ParsedEmbeddings {
  std::vector<EmbeddingVector> vectors;  // in input order (placed by `index`, not by position)
  EmbeddingUsage usage;
  std::string model;  // as the upstream named it (may be empty)
};

// A 2xx response body. Errors (invalid_argument): not JSON, no `data` array, a vector missing,
// duplicated or out of range (every index in [0, expected) exactly once), a non-numeric or
// non-finite component, vectors of different lengths, an empty vector.
Result<ParsedEmbeddings> parse_embedding_response(std::string_view body, std::size_t expected);

// The `error.message` of an OpenAI-style error body, or the body itself (shortened) when it
// has none: what an embedder error should tell a human.
std::string upstream_error_message(int status, std::string_view body);

// Standard base64 of the vector's little-endian float32 bytes, as encoding_format=base64 gives.
std::string embedding_to_base64(std::span<const float> vector);

// What a caller sends (the server side).
struct EmbeddingsLimits {
  std::size_t max_inputs = 2048;          // OpenAI's own limit per request
  std::size_t max_input_bytes = 64 * 1024;
};

struct EmbeddingsRequest {
  std::string model;
  std::vector<std::string> inputs;
  bool base64 = false;  // encoding_format == "base64"
  std::optional<std::size_t> dimensions = {};
};

// Bad input: `input` missing, empty, not a string or an array of non-empty strings (token-id
// arrays are not supported), more than max_inputs items or an item longer than max_input_bytes;
// `model` missing; `encoding_format` not float|base64; `dimensions` not a positive integer.
Parsed<EmbeddingsRequest> parse_embeddings_request(std::string_view body, const EmbeddingsLimits& limits = {});

// The response body: {"object":"list","data":[...],"model":...,"usage":{...}}.
std::string render_embeddings_response(std::string_view model, std::span<const EmbeddingVector> vectors, bool base64,
                                       const EmbeddingUsage& usage);

}  // namespace ragcache::openai
