// Everything a chat completion or a Responses request asks for, parsed and validated once at
// the edge: the body (openai/chat_request.h, openai/responses_request.h), every request control
// header (request_controls.h) and what goes upstream with it. The steps of the request
// (chat_pipeline.h) read only this, never the raw request.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/answer_format.h"
#include "gateway/caller.h"
#include "gateway/request_controls.h"
#include "http/api_error.h"
#include "http/request.h"
#include "http/response.h"
#include "openai/chat_request.h"
#include "openai/key_message.h"

namespace ragcache::gateway {

struct InputRules {
  // Send the caller's Authorization header upstream (instead of the configured key).
  bool forward_authorization = false;
  openai::ChatRequestLimits limits;
};

struct ChatInputs {
  const AnswerFormat* format = nullptr;
  boost::json::object body;  // as sent (a session's window is put in front of its messages)
  std::string model;
  std::vector<openai::KeyMessage> messages;
  openai::KeyParams params;
  bool stream = false;
  bool include_usage = false;
  std::optional<std::int64_t> max_output_tokens;
  std::string_view not_plain_text;  // "" = the semantic cache may serve it
  std::string_view bypass_reason;   // "" = the cache may serve it (Responses continuations)
  Caller caller;  // tenant, budgets (caller.h)
  RequestControls controls;
  http::Headers upstream_headers;
};

boost::system::result<ChatInputs, http::ApiError> parse_chat_inputs(const http::Request& req, ApiKind api,
                                                                    const Caller& caller, const InputRules& rules);

// The headers that go upstream with a request's call: the caller's Authorization when the
// operator forwards it (the configured key is then not sent: one Authorization, never two).
http::Headers upstream_headers_for(const http::Request& req, bool forward_authorization);

}  // namespace ragcache::gateway
