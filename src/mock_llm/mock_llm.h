// A simulated OpenAI-compatible model server (`ragcache mock-llm`), for tests, demos and
// benchmarks of the gateway without a real model.
//
// Routes (add_routes):
//   POST /v1/chat/completions  non-stream and stream (SSE chunks in OpenAI's chunk format,
//                              stream_options.include_usage -> a final usage chunk, data: [DONE])
//   POST /v1/responses         the Responses API, non-stream and stream (its event sequence)
//   POST /v1/embeddings        deterministic vectors (float or base64), `dimensions` honoured
//   GET  /v1/models            the configured model ids
//   GET  /mock/stats           {"chat_calls":N,"chat_stream_calls":N,"embedding_calls":N,...}
//   POST /mock/reset           zeroes the counters
//
// Tools: a request that offers tools (`tools` non-empty) and whose last message is the user's is
// answered with a call of the first tool (arguments {"query": <the user's text>}, finish_reason
// "tool_calls"; a function_call item in the Responses API); once the last message is the tool's
// result, with text. Enough to drive an agent loop end to end.
//
// Determinism: the answer is a function of (model, messages' roles and contents) only: the
// same request always gets the same words, a different one (almost surely) different words.
// Answer length is `answer_tokens` words (one word = one token = one stream chunk), cut short by
// max_tokens / max_completion_tokens (then finish_reason is "length"). Embeddings hash the
// words of the input into `dimensions` buckets and normalise, so texts sharing words are close
// (cosine) and equal texts are identical: enough to exercise a semantic cache.
//
// Injected failures, for testing the gateway's error paths:
//   request header  X-Mock-Error: <status>     -> that status with an OpenAI error body
//                                                 (429 adds Retry-After: 1)
//   model name      mock-error-<status>         -> same, e.g. "mock-error-503"
//   X-Mock-Error: stream-abort                  -> a stream stops half-way without [DONE] and
//                                                 the connection is cut (non-stream: cut at once)
//   X-Mock-Latency-Ms: <n>                       -> overrides the time to first byte for this call
// Every injected error is counted in errors_injected and still counts as a call.
//
// Thread-safe: counters are atomics; handlers keep no other state.
#pragma once

#include <atomic>
#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace ragcache::mock {

using http::Request;
using http::ResponseWriter;
using http::Router;

struct MockLlmOptions {
  std::chrono::milliseconds latency{0};  // before the first byte of every answer
  double tokens_per_sec = 0;             // stream pacing (and non-stream duration); 0 = no pacing
  int answer_tokens = 24;                // default answer length in tokens (words)
  int embedding_dimensions = 256;        // when the request has no `dimensions`
  std::vector<std::string> models = {"mock-gpt", "mock-gpt-mini", "mock-embed"};
};

struct MockLlmStats {
  std::uint64_t chat_calls = 0;         // all chat completion calls (stream or not)
  std::uint64_t chat_stream_calls = 0;  // of which streamed
  std::uint64_t responses_calls = 0;    // Responses API calls (stream or not)
  std::uint64_t responses_stream_calls = 0;
  std::uint64_t embedding_calls = 0;
  std::uint64_t embedding_inputs = 0;   // texts embedded
  std::uint64_t model_calls = 0;
  std::uint64_t errors_injected = 0;
  std::uint64_t bad_requests = 0;       // rejected with 400 (not counted as calls)

  std::string to_json() const;
};

class MockLlm {
 public:
  explicit MockLlm(MockLlmOptions options = {});

  // Registers the routes above; `this` must outlive the server using the router.
  void add_routes(Router& router);

  MockLlmStats stats() const;
  void reset();
  const MockLlmOptions& options() const { return options_; }

  struct Injection;  // a failure a request asks for (X-Mock-Error, mock-error-<status>, X-Mock-Latency-Ms)

 private:
  // Waits the configured or injected latency; true when an injected error was answered.
  boost::asio::awaitable<bool> injected(const Injection& inj, ResponseWriter& w);
  boost::asio::awaitable<void> chat(Request& req, ResponseWriter& w);
  boost::asio::awaitable<void> responses(Request& req, ResponseWriter& w);
  boost::asio::awaitable<void> embeddings(Request& req, ResponseWriter& w);
  boost::asio::awaitable<void> models(Request& req, ResponseWriter& w);

  MockLlmOptions options_;
  std::atomic<std::uint64_t> chat_calls_{0}, chat_stream_calls_{0}, responses_calls_{0}, responses_stream_calls_{0},
      embedding_calls_{0}, embedding_inputs_{0},
      model_calls_{0}, errors_injected_{0}, bad_requests_{0};
};

// ---- Pure pieces, unit-tested without sockets. ----

// Hex SHA-256 over the model and each message's role and content: the answer's identity.
std::string mock_answer_seed(std::string_view model, const boost::json::array& messages);
// `count` tokens of the answer for that seed: the first without a leading space, the others
// with one, the last ending with '.'. Concatenated they form the answer text.
std::vector<std::string> mock_answer_tokens(std::string_view seed, int count);
// Rough token count of a text (words and punctuation runs), for `usage`.
int mock_token_count(std::string_view text);
// Unit-length vector of `dimensions` floats for `text` (equal texts -> equal vectors).
std::vector<float> mock_embedding(std::string_view text, int dimensions);

}  // namespace ragcache::mock
