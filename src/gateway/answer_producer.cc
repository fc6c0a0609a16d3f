#include "gateway/answer_producer.h"

#include "gateway/answer_lines.h"
#include "gateway/answer_reader.h"
#include "gateway/flight_feeder.h"
#include "gateway/upstream_call.h"
#include "gateway/upstream_failure.h"

namespace ragcache::gateway {

cache::Completion completion_of(openai::AnswerVerdict verdict) {
  switch (verdict) {
    case openai::AnswerVerdict::reusable: return cache::Completion::complete;
    case openai::AnswerVerdict::truncated: return cache::Completion::truncated;
    case openai::AnswerVerdict::refused: return cache::Completion::refused;
  }
  return cache::Completion::refused;
}

boost::asio::awaitable<Result<void>> produce_answer(UpstreamCallSpec spec, cache::ChunkSink& sink) {
  if (spec.calls) spec.calls->inc();
  // Folds what goes into the flight: a failure reported inside the stream stops the call here.
  AnswerReader folded(*spec.format, /*stream=*/false, /*include_usage=*/true);
  AnswerSource source = [&](const LineSink& into_flight) -> boost::asio::awaitable<Result<void>> {
    LineSink fold_then_push = [&](std::string lines) -> boost::asio::awaitable<Result<void>> {
      auto read = folded.feed(lines);
      if (!read) co_return read.error();
      co_return co_await into_flight(std::move(lines));
    };
    co_return co_await call_upstream(*spec.upstream, *spec.format, std::move(spec.body), spec.stream,
                                     std::move(spec.headers), fold_then_push);
  };
  auto fed = co_await feed_into_flight(std::move(source), sink);
  if (!fed) co_return fed.error();
  if (!folded.finished()) co_return Error(Errc::upstream_protocol, "the upstream's answer ended before it was complete");
  sink.set_completion(completion_of(spec.format->judge(folded.answer())));
  sink.set_cached_value(answer_line(folded.finish()));
  co_return Result<void>();
}

}  // namespace ragcache::gateway
