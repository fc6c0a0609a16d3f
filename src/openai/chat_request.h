// A parsed, validated chat-completion request (POST /v1/chat/completions), and what of it
// decides the cache key and the semantic cache.
//
// parse_chat_request checks the JSON shape the way the OpenAI API does (model, messages, roles,
// content types, stream flags, numeric parameters' types and ranges) and reports the first
// problem with `param` naming the field. Nothing else touches the raw body; it is kept as sent
// (`body`) and forwarded upstream.
//
// Key inputs (`params`): every body field except those that change only the presentation or the
// bookkeeping of an answer (stream, stream_options, user, metadata, store, safety_identifier,
// prompt_cache_key). Everything else counts, fields unknown to this code included: tools,
// tool_choice, parallel_tool_calls, response_format, seed, n, logprobs, top_logprobs,
// reasoning_effort, modalities, service_tier...
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openai/key_message.h"
#include "openai/request_error.h"

namespace ragcache::openai {

using KeyParams = std::vector<std::pair<std::string, std::string>>;  // name -> compact JSON

struct ChatRequestLimits {
  std::size_t max_messages = 4096;
};

struct ChatRequest {
  boost::json::object body;  // the request as sent
  std::string model;
  std::vector<KeyMessage> messages;
  KeyParams params;
  bool stream = false;
  bool include_usage = false;                   // stream_options.include_usage
  std::int64_t n = 1;                           // choices asked for
  std::optional<std::int64_t> max_output_tokens;  // max_completion_tokens, else max_tokens
  // Why the semantic cache must not serve this request ("" = it may): a reused answer is only
  // right for a plain-text question asked for one plain-text answer.
  std::string_view not_plain_text;
};

Parsed<ChatRequest> parse_chat_request(std::string_view body, const ChatRequestLimits& limits = {});

// Fields that never change an answer (excluded from the key).
bool is_presentation_field(std::string_view name);

}  // namespace ragcache::openai
