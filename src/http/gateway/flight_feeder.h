// Feeds one upstream generation into a single-flight ChunkSink (the leader's side of a shared
// answer) with reading and pushing overlapped.
//
// Each push into the flight is a Redis round trip (a fenced XADD that remote followers read).
// Awaiting it before reading the next upstream chunk made every chunk of a miss wait for Redis:
// one round trip per token on the leader's path. Here the upstream is read by one coroutine, and
// a second one pushes: whatever arrived while the previous push was in flight goes out as ONE
// push (the events concatenated, in order), so followers, local and remote, still get every
// event in order and live (at most one push behind), and a fast upstream costs a few pushes
// instead of one per chunk.
//
// Errors as before: a push that fails (the lease was lost, Redis unreachable) ends the call with
// that error at the upstream's next event (the upstream call is then abandoned); an upstream
// failure ends it once the events read before it were pushed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "base/error.h"
#include "domain/cache/single_flight.h"
#include "http/gateway/upstream_chat.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

// stream_chat_upstream (upstream_chat.h) whose events go into `sink` as described above.
boost::asio::awaitable<Result<UpstreamChatResult>> stream_chat_into_flight(http::UpstreamClient& upstream,
                                                                           boost::json::object body,
                                                                           http::Headers extra_headers,
                                                                           cache::ChunkSink& sink);

}  // namespace ragcache::gateway
