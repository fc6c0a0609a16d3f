// The one place the gateway asks the model for an answer: POST <format endpoint> on the
// upstream, as a stream or as one call, its answer handed on as answer lines
// (answer_lines.h) without being interpreted here.
//
// Streamed: every SSE event up to `data: [DONE]` (chat) or the end of the body (Responses)
// becomes one event line; the events of one socket read go to the sink together (one write to
// a caller, one push into a flight, per read rather than per event). Whole: the body becomes one
// answer line.
//
// Errors: the upstream's error status -> an UpstreamFailure (status, body, Retry-After kept);
// transport errors as the UpstreamClient reports them; an SSE event larger than the parser's
// bound -> Errc::upstream_protocol. Whether the answer is complete is for the caller's reader
// to judge. Cancel-safe: cancelling aborts the upstream request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "base/error.h"
#include "gateway/answer_format.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

// Receives answer lines; an error return stops the call (e.g. the flight lost its lock, the
// caller went away).
using LineSink = std::function<boost::asio::awaitable<Result<void>>(std::string lines)>;

boost::asio::awaitable<Result<void>> call_upstream(http::UpstreamClient& upstream, const AnswerFormat& format,
                                                   boost::json::object body, bool stream, http::Headers headers,
                                                   const LineSink& sink);

}  // namespace ragcache::gateway
