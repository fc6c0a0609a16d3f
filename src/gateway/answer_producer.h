// The leader's work for an answer shared through the single flight: one upstream call whose
// lines go into the flight (flight_feeder.h) while they are folded here, so that at the end the
// leader knows whether the answer may be cached (AnswerFormat::judge) and caches the final
// answer object as one answer line instead of the stream's events.
//
// A free function over values it owns: it may run on after the request that started it has
// gone (other callers, here or on other replicas, wait for it).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>

#include "base/error.h"
#include "domain/cache/single_flight.h"
#include "gateway/answer_format.h"
#include "http/metrics.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

struct UpstreamCallSpec {
  std::shared_ptr<http::UpstreamClient> upstream;
  const AnswerFormat* format = nullptr;
  boost::json::object body;  // the caller's request body
  bool stream = true;        // call the upstream streamed (live followers) or whole
  http::Headers headers;     // e.g. Authorization
  http::Counter* calls = nullptr;  // counts the upstream call (may be null)
};

boost::asio::awaitable<Result<void>> produce_answer(UpstreamCallSpec spec, cache::ChunkSink& sink);

cache::Completion completion_of(openai::AnswerVerdict verdict);

}  // namespace ragcache::gateway
