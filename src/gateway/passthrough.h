// Every /v1/... request the gateway does not handle itself goes to the upstream unchanged and
// comes back unchanged (files, batches, moderations, audio, GET/DELETE /v1/responses/{id},
// fine-tuning, vector stores, whatever the upstream adds next):
//   - method, path and query as sent (the path below /v1 is appended to the upstream's base URL);
//   - the request's headers minus hop-by-hop ones (RFC 9110 7.6.1: Connection and the headers it
//     names, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade), Host and
//     Content-Length (re-made), Expect (answered by the gateway), and the gateway's own controls
//     (X-Cache-*, X-Session-Id, ...);
//     Authorization is the caller's only with --forward-authorization, else the configured key's;
//   - the upstream's status, headers (minus hop-by-hop and framing ones) and body, the body
//     relayed as it arrives (SSE included), plus X-Cache: BYPASS.
// Nothing is cached, nothing is interpreted. Upstream unreachable: 502/504 in the OpenAI shape.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "http/response_writer.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

// The upstream-bound headers of a passed-through request (see above). Pure.
http::Headers passthrough_request_headers(const http::Request& req, bool forward_authorization);
// The caller-bound headers of the upstream's response. Pure.
http::Headers passthrough_response_headers(const http::Headers& upstream);
// The endpoint relative to the upstream's base URL: the target without its "/v1" prefix.
std::string_view passthrough_endpoint(std::string_view target);

boost::asio::awaitable<void> pass_through(http::UpstreamClient& upstream, const http::Request& req,
                                          http::ResponseWriter& w, bool forward_authorization);

}  // namespace ragcache::gateway
