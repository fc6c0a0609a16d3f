#include "gateway/chat_inputs.h"

#include "openai/responses_request.h"

namespace ragcache::gateway {

namespace {

http::ApiError bad_body(openai::RequestError e) {
  return http::invalid_request(std::move(e.message), std::move(e.param), std::move(e.code));
}

}  // namespace

http::Headers upstream_headers_for(const http::Request& req, bool forward_authorization) {
  http::Headers headers;
  if (forward_authorization && req.has_header("Authorization")) {
    headers.emplace_back("Authorization", std::string(req.header("Authorization")));
  }
  return headers;
}

boost::system::result<ChatInputs, http::ApiError> parse_chat_inputs(const http::Request& req, ApiKind api,
                                                                    const Caller& caller, const InputRules& rules) {
  ChatInputs in;
  in.format = &format_of(api);
  auto take = [&in](auto& parsed) {
    in.body = std::move(parsed.body);
    in.model = std::move(parsed.model);
    in.messages = std::move(parsed.messages);
    in.params = std::move(parsed.params);
    in.stream = parsed.stream;
    in.max_output_tokens = parsed.max_output_tokens;
    in.not_plain_text = parsed.not_plain_text;
  };
  if (api == ApiKind::chat) {
    auto parsed = openai::parse_chat_request(req.body(), rules.limits);
    if (!parsed) return bad_body(std::move(parsed.error()));
    take(*parsed);
    in.include_usage = parsed->include_usage;
  } else {
    auto parsed = openai::parse_responses_request(req.body(), rules.limits);
    if (!parsed) return bad_body(std::move(parsed.error()));
    take(*parsed);
    in.include_usage = true;  // a Responses stream always ends with its usage
    in.bypass_reason = parsed->bypass_reason;
  }
  auto controls = parse_request_controls(req);
  if (!controls) return controls.error();
  in.controls = std::move(*controls);
  if (api == ApiKind::responses && in.controls.session) {
    return http::invalid_request("X-Session-Id is supported on /v1/chat/completions only (the Responses API keeps "
                                 "conversations with previous_response_id or conversation)",
                                 "X-Session-Id");
  }
  in.caller = caller;
  in.upstream_headers = upstream_headers_for(req, rules.forward_authorization);
  return in;
}

}  // namespace ragcache::gateway
