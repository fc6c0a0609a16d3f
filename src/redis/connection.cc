#include "redis/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "base/random.h"
#include "redis/errors.h"
#include "redis/transport.h"

namespace ragcache::redis {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using Replies = Result<std::vector<Reply>>;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxBatch = 512;  // commands per write
constexpr std::size_t kWriteNowBytes = 1024;  // a command this large is written without waiting for the writer

// One command (or pipeline) from queueing to its reply, with the caller's completion handler
// type-erased in the same allocation (RequestOf). (Boost 1.81's any_completion_handler recurses
// into itself when moved into another one, so we keep our own.)
struct Request {
  virtual ~Request() = default;
  virtual void invoke(Replies result) = 0;

  std::string payload;
  std::size_t expected = 1;
  std::vector<Reply> replies;
  Clock::time_point deadline;
  asio::any_io_executor caller;  // where the handler must run
};
template <class H>
struct RequestOf final : Request {
  explicit RequestOf(H h) : handler(std::move(h)) {}
  void invoke(Replies result) override { std::move(handler)(std::move(result)); }
  H handler;
};

// Hands the result to the caller on the caller's own executor, never inline: the caller may
// start new commands or drop the last reference to the connection from its continuation.
void deliver(std::unique_ptr<Request> req, Replies result) {
  auto caller = req->caller;
  asio::post(caller, [req = std::move(req), r = std::move(result)]() mutable { req->invoke(std::move(r)); });
}

}  // namespace

struct Connection::Impl {
  asio::strand<asio::any_io_executor> strand;
  Endpoint endpoint;
  ConnectionOptions options;
  Transport transport;

  std::deque<std::unique_ptr<Request>> queued;     // not written yet
  std::deque<std::unique_ptr<Request>> in_flight;  // written, waiting for replies in order
  asio::steady_timer writer_wakeup;
  asio::steady_timer watchdog;
  bool closing = false;
  bool stuck = false;    // set by the watchdog when the oldest in-flight command expired
  bool writing = false;  // the writer is inside an asynchronous write
  std::string unsent;    // the tail of a command write_queued_now() sent in part (already in flight)
  std::vector<asio::const_buffer> scratch;  // write_queued_now()'s buffers, kept to save allocations

  Impl(asio::any_io_executor ex, Endpoint ep, ConnectionOptions opts)
      : strand(asio::make_strand(ex)),
        endpoint(ep),
        options(opts),
        transport(strand, std::move(ep), std::move(opts)),
        writer_wakeup(strand),
        watchdog(strand) {}

  void close_stream() { transport.close(); }

  // ---- completing requests (all on the strand) ----

  void complete(Connection& self, std::unique_ptr<Request> req, Replies result) {
    self.load_.fetch_sub(1, std::memory_order_relaxed);
    deliver(std::move(req), std::move(result));
  }

  void fail_in_flight(Connection& self, const Error& error) {
    while (!in_flight.empty()) {
      auto req = std::move(in_flight.front());
      in_flight.pop_front();
      complete(self, std::move(req), error);
    }
  }

  void fail_queued(Connection& self, const Error& error) {
    while (!queued.empty()) {
      auto req = std::move(queued.front());
      queued.pop_front();
      complete(self, std::move(req), error);
    }
  }

  void enqueue(Connection& self, std::unique_ptr<Request> req) {
    if (closing) {
      complete(self, std::move(req), Error(Errc::closed));
      return;
    }
    const bool large = req->payload.size() >= kWriteNowBytes;
    queued.push_back(std::move(req));
    if (large && !writing && unsent.empty() && self.ready()) write_queued_now();
    if (!queued.empty() || !unsent.empty()) writer_wakeup.cancel();
  }

  // Hands what is queued to the socket right here, when it takes it without waiting (nearly
  // always), for a large command (a group commit of many callers, say). Waking the writer instead
  // is a round through the io_context's queue, behind whatever else is queued there, e.g. the
  // next group of callers resumed by the same reply; written now, this group's command reaches
  // Redis while the client still prepares the next one, so the two overlap instead of taking
  // turns. Small commands still wait for the writer, which sends all that were queued in the
  // meantime in one write: for them one send per command would cost more than it saves. Only
  // while no asynchronous write is under way (bytes must not interleave); what the socket did not
  // take stays for the writer.
  void write_queued_now() {
    scratch.clear();
    for (std::size_t i = 0; i < queued.size() && i < kMaxBatch; ++i) {
      scratch.push_back(asio::buffer(queued[i]->payload));
    }
    std::size_t written = transport.write_now(scratch);
    while (written > 0) {
      auto& front = queued.front();
      if (written < front->payload.size()) unsent.assign(front->payload, written);
      written -= std::min(written, front->payload.size());
      in_flight.push_back(std::move(front));
      queued.pop_front();
    }
  }

  // ---- the loops ----

  asio::awaitable<void> reader_loop(std::shared_ptr<Connection> self) {
    for (;;) {
      auto [ec, bytes] = co_await transport.read_some();
      if (ec) co_return;
      if (auto fed = transport.reader().feed(bytes); !fed) {
        close_stream();
        co_return;
      }
      for (;;) {
        auto next = transport.reader().next();
        if (!next) {
          close_stream();
          co_return;
        }
        if (!*next) break;
        if (in_flight.empty()) {  // a reply nobody asked for: the stream is out of step
          close_stream();
          co_return;
        }
        auto& front = in_flight.front();
        front->replies.push_back(std::move(**next));
        if (front->replies.size() == front->expected) {
          auto req = std::move(front);
          in_flight.pop_front();
          auto replies = std::move(req->replies);
          complete(*self, std::move(req), std::move(replies));
        }
      }
    }
  }

  asio::awaitable<void> writer_loop(std::shared_ptr<Connection> self) {
    std::vector<asio::const_buffer> buffers;
    for (;;) {
      while (queued.empty() && unsent.empty()) {
        writer_wakeup.expires_at(Clock::time_point::max());
        co_await writer_wakeup.async_wait(kUse);
        if (closing) co_return;
      }
      buffers.clear();
      if (!unsent.empty()) buffers.push_back(asio::buffer(unsent));  // its command is in flight already
      // Everything queued goes out in one write: this is where concurrent callers get pipelined.
      while (!queued.empty() && buffers.size() < kMaxBatch) {
        buffers.push_back(asio::buffer(queued.front()->payload));
        in_flight.push_back(std::move(queued.front()));
        queued.pop_front();
      }
      writing = true;
      auto ec = co_await transport.write_all(buffers);
      writing = false;
      unsent.clear();
      if (ec) co_return;
    }
  }

  // Expires queued commands and detects a stuck server, on a short tick.
  asio::awaitable<void> watchdog_loop(std::shared_ptr<Connection> self) {
    const auto tick = std::clamp(options.command_timeout / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
    while (!closing) {
      watchdog.expires_after(tick);
      co_await watchdog.async_wait(kUse);
      if (closing) break;
      const auto now = Clock::now();
      if (!in_flight.empty() && in_flight.front()->deadline <= now && !stuck) {
        stuck = true;
        close_stream();  // the reader and writer end; run() fails what is in flight
      }
      for (auto it = queued.begin(); it != queued.end();) {
        if ((*it)->deadline <= now) {
          auto req = std::move(*it);
          it = queued.erase(it);
          complete(*self, std::move(req), Error(Errc::timeout, "waiting for a connection to " + endpoint.describe()));
        } else {
          ++it;
        }
      }
    }
  }

  asio::awaitable<void> run(std::shared_ptr<Connection> self) {
    int failures = 0;
    while (!closing) {
      auto connected = co_await transport.connect();
      if (closing) break;
      if (connected) {
        failures = 0;
        stuck = false;
        writing = false;
        unsent.clear();
        self->state_.store(State::ready);
        co_await (reader_loop(self) || writer_loop(self));
        close_stream();
        unsent.clear();  // its command fails with the others in flight
        if (closing) break;
        self->state_.store(State::down);
        fail_in_flight(*self, stuck ? Error(Errc::timeout, endpoint.describe() + ": no reply within the command timeout")
                                    : Error(Errc::connection_lost, endpoint.describe()));
        // Reconnect at once after a working connection broke; back off only on repeated failures.
        continue;
      }
      self->state_.store(State::down);
      // Waiting would not help: tell the queued callers now (they can bypass the cache), and
      // keep retrying in the background.
      fail_queued(*self, connected.error());
      last_error = connected.error();
      ++failures;
      auto cap = options.reconnect_max.count();
      auto base = std::min<long long>(cap, options.reconnect_min.count() << std::min(failures, 20));
      auto delay = std::chrono::milliseconds(random_between(static_cast<std::uint64_t>(base / 2), static_cast<std::uint64_t>(base)));
      asio::steady_timer backoff(strand);
      backoff.expires_after(delay);
      co_await backoff.async_wait(kUse);
    }
    self->state_.store(State::closed);
    close_stream();
    fail_in_flight(*self, Error(Errc::closed));
    fail_queued(*self, Error(Errc::closed));
    watchdog.cancel();
  }

  Error last_error{Errc::not_connected};
};

// ---- Connection ----

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

const Endpoint& Connection::endpoint() const { return impl_->endpoint; }

std::shared_ptr<Connection> Connection::create(asio::any_io_executor ex, Endpoint endpoint, ConnectionOptions options) {
  auto conn = std::shared_ptr<Connection>(
      new Connection(std::make_unique<Impl>(std::move(ex), std::move(endpoint), std::move(options))));
  asio::co_spawn(conn->impl_->strand, conn->impl_->run(conn), asio::detached);
  asio::co_spawn(conn->impl_->strand, conn->impl_->watchdog_loop(conn), asio::detached);
  return conn;
}

void Connection::close() {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self] {
    auto& impl = *self->impl_;
    impl.closing = true;
    impl.writer_wakeup.cancel();
    impl.watchdog.cancel();
    impl.close_stream();
    // Until run() has finished, commands may still be queued: fail them now rather than later.
    impl.fail_queued(*self, Error(Errc::closed));
  });
}

asio::awaitable<Replies> Connection::send(std::string payload, std::size_t replies, Timeout timeout) {
  auto self = shared_from_this();
  auto caller = co_await asio::this_coro::executor;
  // A named initiation object, not a temporary inside the co_await expression: GCC 12 destroys
  // such temporaries twice.
  auto initiation = [self, caller, payload = std::move(payload), replies, timeout](auto raw_handler) mutable {
    std::unique_ptr<Request> req = std::make_unique<RequestOf<decltype(raw_handler)>>(std::move(raw_handler));
    req->caller = caller;
    auto state = self->state_.load(std::memory_order_relaxed);
    if (state == State::closed) return deliver(std::move(req), Error(Errc::closed));
    if (state == State::down) {
      return deliver(std::move(req), Error(Errc::not_connected, self->impl_->endpoint.describe()));
    }
    if (self->load_.fetch_add(1, std::memory_order_relaxed) >= self->impl_->options.max_pending) {
      self->load_.fetch_sub(1, std::memory_order_relaxed);
      return deliver(std::move(req), Error(Errc::queue_full, self->impl_->endpoint.describe()));
    }
    req->payload = std::move(payload);
    req->expected = replies;
    req->replies.reserve(replies);
    req->deadline = Clock::now() + timeout.value_or(self->impl_->options.command_timeout);
    // dispatch: on an idle strand the command is queued (and usually written) right here.
    asio::dispatch(self->impl_->strand, [self, req = std::move(req)]() mutable {
      self->impl_->enqueue(*self, std::move(req));
    });
  };
  Replies result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Replies)>(
      std::move(initiation), asio::use_awaitable);
  co_return result;
}

asio::awaitable<Result<Reply>> Connection::exec(Command cmd, Timeout timeout) {
  auto replies = co_await send(cmd.encoded(), 1, timeout);
  if (!replies) co_return replies.error();
  Reply& reply = replies->front();
  if (reply.is_error()) co_return Error(Errc::server_error, std::move(reply.str));
  co_return std::move(reply);
}

asio::awaitable<Replies> Connection::exec_pipeline(std::vector<Command> cmds, Timeout timeout) {
  if (cmds.empty()) co_return std::vector<Reply>();
  std::string payload;
  for (const auto& c : cmds) c.append_to(payload);
  co_return co_await send(std::move(payload), cmds.size(), timeout);
}

}  // namespace ragcache::redis
