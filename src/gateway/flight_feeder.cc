#include "gateway/flight_feeder.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>
#include <utility>

namespace ragcache::gateway {

namespace asio = boost::asio;

namespace {

struct PushFailed {};  // the error itself is in Feed::push_error

// What the reader and the pusher share. Both run on one strand: no locks.
struct Feed {
  explicit Feed(asio::any_io_executor ex) : wake(std::move(ex)) {}
  std::string queued;  // events read and not pushed yet, in order
  bool reading = true;
  std::optional<Error> push_error;
  bool pusher_waiting = false;
  asio::steady_timer wake;  // the pusher sleeps on it; cancel() wakes it
  void notify() {
    if (pusher_waiting) wake.cancel();
  }
};

asio::awaitable<Result<void>> read_upstream(const AnswerSource& source, Feed& feed) {
  LineSink queue = [&feed](std::string lines) -> asio::awaitable<Result<void>> {
    if (feed.push_error) co_return Result<void>(*feed.push_error);  // stops the upstream call
    feed.queued += lines;
    feed.notify();
    co_return Result<void>();
  };
  auto r = co_await source(queue);
  feed.reading = false;
  feed.notify();
  co_return r;
}

asio::awaitable<void> push_events(cache::ChunkSink& sink, Feed& feed) {
  for (;;) {
    if (!feed.queued.empty()) {
      std::string batch = std::move(feed.queued);
      feed.queued.clear();
      auto pushed = co_await sink.push(std::move(batch));
      if (!pushed) {
        feed.push_error = pushed.error();
        throw PushFailed();  // makes the && below cancel the upstream read at once
      }
      continue;  // more may have arrived during the push
    }
    if (!feed.reading) co_return;
    feed.wake.expires_at(asio::steady_timer::time_point::max());
    feed.pusher_waiting = true;
    boost::system::error_code ec;
    co_await feed.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    feed.pusher_waiting = false;
  }
}

asio::awaitable<Result<void>> feed_on_strand(AnswerSource source, cache::ChunkSink& sink) {
  using namespace asio::experimental::awaitable_operators;
  Feed feed(co_await asio::this_coro::executor);
  auto reader = read_upstream(source, feed);
  auto pusher = push_events(sink, feed);
  std::optional<Result<void>> read;
  try {
    read = co_await (std::move(reader) && std::move(pusher));
  } catch (...) {
    // PushFailed cancels the reader; a reader cancelled between two of its own awaits throws
    // operation_aborted, and && then throws multiple_exceptions instead of PushFailed. Either
    // way the push error is the outcome; anything thrown without one is not ours to swallow.
    if (!feed.push_error) throw;
  }
  if (feed.push_error) co_return *feed.push_error;
  co_return std::move(*read);
}

}  // namespace

asio::awaitable<Result<void>> feed_into_flight(AnswerSource source, cache::ChunkSink& sink) {
  // The two coroutines share Feed: run them on one strand (the caller's executor may be a
  // multi-threaded io_context).
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  auto work = feed_on_strand(std::move(source), sink);
  co_return co_await asio::co_spawn(strand, std::move(work), asio::use_awaitable);
}

}  // namespace ragcache::gateway
