// A parsed, validated Responses API request (POST /v1/responses), and what of it decides the
// cache key and the semantic cache. Same rules as chat_request.h: the body is kept as sent;
// every field counts for the key except presentation and bookkeeping (stream, stream_options,
// user, metadata, safety_identifier, prompt_cache_key). `store` counts: an answer stored upstream
// can be continued with previous_response_id, one made with store=false cannot.
//
// Requests that continue state held by the upstream (previous_response_id, conversation) or run
// in the background are never answered from the cache: `bypass_reason` says why.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openai/chat_request.h"
#include "openai/key_message.h"
#include "openai/request_error.h"

namespace ragcache::openai {

struct ResponsesRequest {
  boost::json::object body;  // as sent
  std::string model;
  std::vector<KeyMessage> messages;  // `input` as messages (a string is one user message)
  KeyParams params;
  bool stream = false;
  std::optional<std::int64_t> max_output_tokens;
  std::string_view bypass_reason;   // "" or previous_response_id / conversation / background
  std::string_view not_plain_text;  // as ChatRequest::not_plain_text
};

Parsed<ResponsesRequest> parse_responses_request(std::string_view body, const ChatRequestLimits& limits = {});

}  // namespace ragcache::openai
