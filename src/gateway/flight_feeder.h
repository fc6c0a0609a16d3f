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

#include <functional>

#include "base/error.h"
#include "domain/cache/single_flight.h"
#include "gateway/upstream_call.h"

namespace ragcache::gateway {

// Something that reads an answer and hands its lines to a LineSink (call_upstream, bound to its
// arguments): its lines go into `sink` as described above.
using AnswerSource = std::function<boost::asio::awaitable<Result<void>>(const LineSink&)>;

boost::asio::awaitable<Result<void>> feed_into_flight(AnswerSource source, cache::ChunkSink& sink);

}  // namespace ragcache::gateway
