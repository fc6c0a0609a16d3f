// Group commit: the requests of many concurrent callers that arrive together go to Redis as one
// call (one script run, one transaction) instead of one call each.
//
// Why: a session append is a Lua script, and on a busy gateway most of its Redis CPU is the fixed
// price of one script call (EVALSHA lookup, the Lua call, the reply) and of the round trip, not
// the window work. Fifty callers appending at the same moment pay that price once per batch.
//
// How: submit() queues the request and suspends the caller. A sender coroutine takes everything
// queued (up to max_batch) and hands it to `send` (one Redis call for all), then completes each
// caller with its own result. At most max_in_flight batches are in flight: while they are, new
// requests wait in the queue and form the next batch, so the batch size follows the load by
// itself (one caller alone: a batch of one, sent after a single executor hop; fifty at once:
// batches of ~fifty / max_in_flight). `send` must return one result per request, in order, and
// must isolate failures: one bad request fails alone.
//
// Thread-safe: callers may submit from any thread; each resumes on its own executor.
// Lifetime: the GroupCommit is shared (shared_ptr) with its sender coroutines, so it outlives
// them; `send` must not outlive what it captures (the SessionStore and its Client, which already
// must outlive their calls).
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/error.h"
#include "domain/session/errors.h"

namespace ragcache::session {

template <class Request, class Response>
class GroupCommit : public std::enable_shared_from_this<GroupCommit<Request, Response>> {
 public:
  using Send = std::function<boost::asio::awaitable<std::vector<Result<Response>>>(std::vector<Request>&)>;

  GroupCommit(boost::asio::any_io_executor executor, Send send, std::size_t max_batch, std::size_t max_in_flight)
      : executor_(std::move(executor)),
        send_(std::move(send)),
        max_batch_(std::max<std::size_t>(max_batch, 1)),
        max_in_flight_(std::max<std::size_t>(max_in_flight, 1)) {}

  boost::asio::awaitable<Result<Response>> submit(Request request) {
    // Named first: GCC 12 miscompiles a lambda written inside a co_await expression.
    auto initiation = [self = this->shared_from_this(), request = std::move(request)](auto handler) mutable {
      using Handler = decltype(handler);
      self->enqueue(std::move(request), std::make_unique<HandlerWaiter<Handler>>(std::move(handler)));
    };
    co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(Result<Response>)>(
        std::move(initiation), boost::asio::use_awaitable);
  }

 private:
  // A suspended caller, completed once (on its own executor) with its result.
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void complete(Result<Response> result) = 0;
  };
  template <class Handler>
  struct HandlerWaiter final : Waiter {
    explicit HandlerWaiter(Handler h) : handler(std::move(h)) {}
    void complete(Result<Response> result) override {
      auto ex = boost::asio::get_associated_executor(handler);
      boost::asio::post(ex, [h = std::move(handler), r = std::move(result)]() mutable { std::move(h)(std::move(r)); });
    }
    Handler handler;
  };
  struct Pending {
    Request request;
    std::unique_ptr<Waiter> waiter;
  };

  void enqueue(Request request, std::unique_ptr<Waiter> waiter) {
    bool start = false;
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(Pending{std::move(request), std::move(waiter)});
      if (!sender_waiting_ && in_flight_ < max_in_flight_) {
        sender_waiting_ = true;
        ++in_flight_;
        start = true;
      }
    }
    if (start) boost::asio::co_spawn(executor_, run(this->shared_from_this()), boost::asio::detached);
  }

  // Takes up to max_batch queued requests (the caller holds the mutex).
  std::vector<Pending> take_batch() {
    std::vector<Pending> batch;
    const auto n = std::min(queue_.size(), max_batch_);
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return batch;
  }

  static boost::asio::awaitable<void> run(std::shared_ptr<GroupCommit> self) {
    // One hop through the executor first: the callers that are ready in this same turn of the
    // event loop (all those one multiplexed reply woke up) join this batch.
    co_await boost::asio::post(self->executor_, boost::asio::use_awaitable);
    for (;;) {
      std::vector<Pending> batch;
      {
        std::lock_guard lock(self->mutex_);
        batch = self->take_batch();
        self->sender_waiting_ = false;
      }
      std::vector<Request> requests;
      requests.reserve(batch.size());
      for (auto& p : batch) requests.push_back(std::move(p.request));
      std::vector<Result<Response>> results;
      try {
        results = co_await self->send_(requests);
      } catch (const std::exception& e) {
        // Never leave callers suspended, nor this sender's slot taken: each gets the error.
        results.clear();
        for (std::size_t i = 0; i < batch.size(); ++i) {
          results.emplace_back(Error(Errc::corrupt_state, std::string("group commit: ") + e.what()));
        }
      }
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i < results.size()) {
          batch[i].waiter->complete(std::move(results[i]));
        } else {
          batch[i].waiter->complete(Error(Errc::corrupt_state, "group commit: no result for this request"));
        }
      }
      std::lock_guard lock(self->mutex_);
      // What queued up while this batch was in flight goes next, without another hop: it has
      // been gathering for a whole round trip already. Another sender may have taken it.
      if (self->queue_.empty() || self->sender_waiting_) {
        --self->in_flight_;
        co_return;
      }
      self->sender_waiting_ = true;
    }
  }

  boost::asio::any_io_executor executor_;
  Send send_;
  const std::size_t max_batch_;
  const std::size_t max_in_flight_;
  std::mutex mutex_;
  std::deque<Pending> queue_;
  std::size_t in_flight_ = 0;     // sender coroutines alive (waiting or sending)
  bool sender_waiting_ = false;   // one of them will take the queue before it sends
};

}  // namespace ragcache::session
