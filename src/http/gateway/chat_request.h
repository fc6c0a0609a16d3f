// A parsed, validated OpenAI chat-completion request, and what of it decides the cache key.
//
// parse_chat_request checks the JSON shape the way the OpenAI API does (model, messages, roles,
// content types, stream flags) and reports the first problem as a 400 with `param` naming the
// field. Nothing else in the gateway touches the raw body.
//
// Cache key inputs: the model, the messages (role, content, name, and the tool-call fields folded
// into name so they count), and every other body field except those that only change the
// presentation or bookkeeping (stream, stream_options, user, metadata, store, service_tier).
// Unknown fields are part of the key: when in doubt, two requests do not share an answer.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <utility>
#include <vector>

#include "domain/cache/canonical_key.h"
#include "http/api_error.h"

namespace ragcache::gateway {

struct ChatRequestLimits {
  std::size_t max_messages = 4096;
};

struct ChatRequest {
  boost::json::object body;  // the request as sent (forwarded upstream with stream forced on)
  std::string model;
  std::vector<cache::ChatMessage> messages;  // as the cache key sees them
  std::vector<std::pair<std::string, std::string>> params;  // key-relevant parameters, compact JSON
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  // Why this request cannot be answered from (or stored in) the cache, if it cannot: n > 1
  // (several choices), tools/functions (tool-call answers are not cached yet).
  std::string uncacheable_reason;
};

boost::system::result<ChatRequest, http::ApiError> parse_chat_request(std::string_view body,
                                                                      const ChatRequestLimits& limits = {});

// The cache-key form of messages already validated by parse_chat_request (or read back from a
// session): role, content as text, and name with the tool-call fields folded in.
std::vector<cache::ChatMessage> key_messages(const boost::json::array& messages);

// The text of the last user message (what the hot-question ranking and the semantic cache use);
// empty if there is none.
std::string last_user_text(const std::vector<cache::ChatMessage>& messages);

// Content of a message as text: a string as is; an array of parts -> the text parts joined by
// '\n' (non-text parts as their compact JSON, so they still count for the key).
std::string content_text(const boost::json::value& content);

}  // namespace ragcache::gateway
