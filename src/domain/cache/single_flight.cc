#include "domain/cache/single_flight.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <vector>

#include "base/random.h"
#include "domain/cache/async_event.h"
#include "domain/cache/errors.h"
#include "domain/cache/flight_fsm.h"
#include "domain/cache/lease.h"
#include "domain/cache/scripts.h"
#include "domain/cache/stream_entries.h"
#include "redis/errors.h"
#include "redis/stream_tail.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using std::chrono::milliseconds;

std::string_view to_string(FlightRole role) {
  switch (role) {
    case FlightRole::hit: return "hit";
    case FlightRole::leader: return "leader";
    case FlightRole::shared: return "shared";
    case FlightRole::bypass: return "bypass";
  }
  return "leader";
}

// One key's shared attempt in this process.
struct SingleFlight::Flight {
  CacheKey key;
  Compute compute;        // the first caller's (non-streaming flight)
  StreamCompute produce;  // the first caller's (streaming flight)
  AsyncEvent changed;

  std::mutex mu;  // guards everything below
  std::optional<FlightRole> role;
  std::uint64_t generation = 0;  // bumped when a generation died and a new one starts
  std::vector<std::string> chunks;
  bool done = false;
  std::optional<Error> error;
  int attached = 0;  // local callers still waiting

  void set_role(FlightRole r) {
    std::lock_guard lock(mu);
    role = r;
  }
  void append(std::string chunk) {
    {
      std::lock_guard lock(mu);
      chunks.push_back(std::move(chunk));
    }
    changed.notify_all();
  }
  // A new generation: what was collected belongs to a leader that died.
  void restart() {
    {
      std::lock_guard lock(mu);
      if (chunks.empty()) return;
      chunks.clear();
      ++generation;
    }
    changed.notify_all();
  }
  std::string joined() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& c : chunks) out += c;
    return out;
  }
};

// Where a follower is in the flight stream (kept across re-checks of the same generation).
struct SingleFlight::FollowState {
  std::unique_ptr<redis::StreamTail> tail;  // its cursor: where in the flight stream we are
  bool counted = false;                     // stats count a flight followed once
};

class SingleFlight::LeaderSink final : public ChunkSink {
 public:
  LeaderSink(SingleFlight& sf, std::shared_ptr<Flight> f, std::string lock_key, std::string lock_value,
             std::shared_ptr<Lease> lease)
      : sf_(sf), f_(std::move(f)), lock_key_(std::move(lock_key)), lock_value_(std::move(lock_value)),
        lease_(std::move(lease)) {}

  asio::awaitable<Result<void>> push(std::string chunk) override {
    // Local callers get it first; remote followers through the fenced XADD.
    f_->append(chunk);
    if (lease_->lost()) co_return Error(Errc::lock_lost, "lease lost while streaming");
    auto keys = scripts::list(lock_key_, sf_.cache_.keys().flight(f_->key.hash));
    auto args = scripts::list(lock_value_, std::move(chunk));
    auto reply = co_await sf_.cache_.client().eval(scripts::flight_push(), std::move(keys), std::move(args));
    if (!reply) co_return reply.error();
    if (reply->integer != 1) co_return Error(Errc::lock_lost, "another leader holds the flight");
    co_return Result<void>();
  }
  void set_completion(Completion completion) override { completion_ = completion; }
  Completion completion() const { return completion_; }
  void set_cached_value(std::string value) override { cached_value_ = std::move(value); }
  std::optional<std::string>& cached_value() { return cached_value_; }

 private:
  SingleFlight& sf_;
  std::shared_ptr<Flight> f_;
  std::string lock_key_;
  std::string lock_value_;
  std::shared_ptr<Lease> lease_;
  Completion completion_ = Completion::complete;
  std::optional<std::string> cached_value_;
};

namespace {

// Streaming compute for a caller that timed out and computes for itself: chunks go straight to it.
class DirectSink final : public ChunkSink {
 public:
  explicit DirectSink(const StreamHandlers& h) : h_(h) {}
  asio::awaitable<Result<void>> push(std::string chunk) override {
    ++chunks;
    bytes += chunk.size();
    if (h_.on_chunk) co_await h_.on_chunk(chunk);
    co_return Result<void>();
  }
  void set_completion(Completion) override {}
  std::size_t chunks = 0, bytes = 0;

 private:
  const StreamHandlers& h_;
};

WaitEnd wait_end(AsyncEvent::Wake wake) {
  switch (wake) {
    case AsyncEvent::Wake::notified: return WaitEnd::notified;
    case AsyncEvent::Wake::deadline: return WaitEnd::deadline;
    case AsyncEvent::Wake::cancelled: return WaitEnd::cancelled;
  }
  return WaitEnd::deadline;
}

// Calls a user function and turns an exception into an error.
template <class F>
asio::awaitable<Result<void>> guarded(F&& f) {
  try {
    co_return co_await f();
  } catch (const std::exception& e) {
    co_return Error(ragcache::Errc::internal, std::string("compute threw: ") + e.what());
  }
}

}  // namespace

SingleFlight::SingleFlight(ExactCache& cache, SingleFlightOptions options)
    : cache_(cache),
      options_(std::move(options)),
      locks_(cache.client(), LockOptions{.key_prefix = cache.options().key_prefix,
                                         .fence_counter_ttl = options_.fence_counter_ttl,
                                         .recheck_interval = options_.recheck_interval}),
      pool_(std::make_shared<redis::BlockingPool>(cache.client())) {}

SingleFlight::~SingleFlight() = default;

std::shared_ptr<SingleFlight::Flight> SingleFlight::join(const CacheKey& key, Compute compute, StreamCompute produce,
                                                         bool& creator) {
  std::lock_guard lock(mu_);
  auto& slot = flights_[key.hash];
  if (slot) {
    std::lock_guard flock(slot->mu);
    if (!slot->done) {
      ++slot->attached;
      creator = false;
      return slot;
    }
  }
  auto f = std::make_shared<Flight>();
  f->key = key;
  f->compute = std::move(compute);
  f->produce = std::move(produce);
  f->attached = 1;
  slot = f;
  creator = true;
  asio::co_spawn(cache_.client().executor(), drive(f), [this, f](std::exception_ptr e) {
    if (e) finish(f, Error(ragcache::Errc::internal, "single-flight driver failed"));
  });
  return f;
}

void SingleFlight::finish(const std::shared_ptr<Flight>& f, std::optional<Error> error) {
  {
    std::lock_guard lock(f->mu);
    if (f->done) return;
    f->done = true;
    f->error = std::move(error);
  }
  {
    std::lock_guard lock(mu_);
    auto it = flights_.find(f->key.hash);
    if (it != flights_.end() && it->second == f) flights_.erase(it);
  }
  f->changed.notify_all();
}

asio::awaitable<void> SingleFlight::bypass(std::shared_ptr<Flight> f) {
  ++stats_.bypassed;
  ++stats_.computes;
  f->set_role(FlightRole::bypass);
  if (f->compute) {
    Result<ComputeOutput> out = Error(ragcache::Errc::internal);
    auto r = co_await guarded([&]() -> asio::awaitable<Result<void>> {
      out = co_await f->compute();
      if (!out) co_return out.error();
      co_return Result<void>();
    });
    if (!r) co_return finish(f, r.error());
    f->append(std::move(out->value));
    co_return finish(f, std::nullopt);
  }
  // Streaming without Redis: chunks only reach this process's callers.
  class LocalSink final : public ChunkSink {
   public:
    explicit LocalSink(Flight& fl) : fl_(fl) {}
    asio::awaitable<Result<void>> push(std::string chunk) override {
      fl_.append(std::move(chunk));
      co_return Result<void>();
    }
    void set_completion(Completion) override {}

   private:
    Flight& fl_;
  } sink(*f);
  auto r = co_await guarded([&]() { return f->produce(sink); });
  finish(f, r ? std::nullopt : std::optional<Error>(r.error()));
}

namespace {

// flight_begin.lua's reply (or why there is none), as the state machine takes it.
BeginReply read_begin(const Result<redis::Reply>& reply, ExactCache& cache, const CacheKey& key,
                      std::optional<std::string>& hit_value, std::optional<LockValue>& lock) {
  if (!reply) return {.kind = BeginReply::Kind::unavailable, .error = reply.error()};
  if (!reply->is_array() || reply->elements.size() < 2) {
    return {.kind = BeginReply::Kind::unavailable, .error = Error(redis::Errc::unexpected_reply, reply->debug_string())};
  }
  const std::string& kind = reply->elements[0].str;
  if (kind == "hit") {
    hit_value = cache.accept(key, reply->elements[1].str);  // corrupt or another request's: nullopt
    return {.kind = BeginReply::Kind::hit, .usable = hit_value.has_value()};
  }
  lock = LockValue::parse(reply->elements[1].str);
  if ((kind != "acquired" && kind != "held") || !lock) {
    return {.kind = BeginReply::Kind::malformed,
            .error = Error(redis::Errc::unexpected_reply, "flight_begin: " + reply->debug_string())};
  }
  return {.kind = kind == "acquired" ? BeginReply::Kind::acquired : BeginReply::Kind::held, .fence = lock->fence};
}

}  // namespace

asio::awaitable<void> SingleFlight::drive(std::shared_ptr<Flight> f) {
  const auto& keys = cache_.keys();
  const auto lock_keys = keys.lock(KeySchema::flight_lock_name(f->key.hash));
  const auto exact_key = keys.exact(f->key.ns, f->key.hash);
  const auto flight_key = keys.flight(f->key.hash);
  const auto inflight_key = keys.inflight(f->key.ns, f->key.hash);
  FlightFsm fsm(options_.bypass_when_unavailable);
  FollowState st;
  auto action = fsm.start();
  for (;;) {
    if (action.step == FlightFsm::Step::begin) {
      auto begin_keys = scripts::list(exact_key, lock_keys.lock, lock_keys.fence, flight_key, inflight_key);
      auto begin_args = scripts::list(random_token(), std::to_string(options_.lease.count()),
                                      std::to_string(options_.fence_counter_ttl.count()),
                                      std::to_string((options_.lease + options_.stream_linger).count()),
                                      std::string(action.skip_cache ? "1" : "0"));
      auto reply = co_await cache_.client().eval(scripts::flight_begin(), std::move(begin_keys), std::move(begin_args));
      std::optional<std::string> hit_value;
      std::optional<LockValue> lock;
      const auto begin = read_begin(reply, cache_, f->key, hit_value, lock);
      action = fsm.on_begin(begin);
      if (action.step == FlightFsm::Step::deliver_hit) {
        ++stats_.hits;
        f->set_role(FlightRole::hit);
        f->restart();
        f->append(std::move(*hit_value));
        finish(f, std::nullopt);
      } else if (action.step == FlightFsm::Step::lead) {
        if (fsm.took_over()) ++stats_.takeovers;
        st.tail.reset();
        co_await lead(f, *lock, fsm);
      } else if (action.step == FlightFsm::Step::follow) {
        if (!st.counted) ++stats_.followed;
        st.counted = true;
        const auto ended = co_await follow(f, st, fsm, action);
        action = fsm.on_follow_end(ended);
        continue;
      } else if (action.step == FlightFsm::Step::bypass) {
        spdlog::warn("single-flight: Redis unavailable ({}), computing without the cache", begin.error.message());
        co_await bypass(f);
      } else if (action.step == FlightFsm::Step::fail) {
        finish(f, action.error);
      }
      if (action.step != FlightFsm::Step::begin) break;
    } else if (action.step == FlightFsm::Step::fail) {
      finish(f, action.error);
      break;
    } else {
      break;  // done: the follow delivered the flight's outcome
    }
  }
}

asio::awaitable<FollowEnd> SingleFlight::follow(std::shared_ptr<Flight> f, FollowState& st, FlightFsm& fsm,
                                                const FlightFsm::Action& action) {
  if (!st.tail) {
    // A failed read is retried after a short pause on a fresh connection: the old one may point
    // at a node that no longer serves the stream's slot (MOVED after a reshard or failover).
    st.tail = std::make_unique<redis::StreamTail>(
        pool_, cache_.keys().flight(f->key.hash), "0-0",
        redis::StreamTailOptions{.block = options_.recheck_interval, .count = 512, .retry_pause = milliseconds(50)});
  }
  if (action.restart) f->restart();
  if (action.read_from_start) st.tail->seek("0-0");
  f->set_role(FlightRole::shared);
  for (;;) {
    {
      std::lock_guard lock(f->mu);
      if (f->attached == 0) co_return FollowEnd::abandoned;
    }
    auto reply = co_await st.tail->read();
    if (!reply) co_return FollowEnd::read_failed;
    auto entries = parse_xread(*reply);
    if (!entries) co_return FollowEnd::read_failed;
    if (entries->empty()) co_return FollowEnd::quiet;  // quiet for a slice: is the leader alive?
    for (auto& e : *entries) {
      const auto kind = entry_kind(e.field("t").value_or(""));
      auto v = e.field("v").value_or("");
      std::uint64_t start_fence = 0;
      if (kind == EntryKind::start) {
        auto generation = LockValue::parse("x:" + std::string(v));
        if (generation) start_fence = generation->fence;
      }
      switch (fsm.on_entry(kind, start_fence)) {
        case FlightFsm::EntryStep::restart: f->restart(); break;
        case FlightFsm::EntryStep::append: f->append(std::string(v)); break;
        case FlightFsm::EntryStep::finish:
          if (!v.empty()) f->append(std::string(v));
          finish(f, std::nullopt);
          co_return FollowEnd::finished;
        case FlightFsm::EntryStep::fail:
          finish(f, Error(Errc::leader_failed, std::string(v)));
          co_return FollowEnd::finished;
        case FlightFsm::EntryStep::ignore: break;
      }
    }
  }
}

asio::awaitable<void> SingleFlight::lead(std::shared_ptr<Flight> f, LockValue value, FlightFsm& fsm) {
  ++stats_.led;
  ++stats_.computes;
  f->restart();
  f->set_role(FlightRole::leader);
  const auto& keys = cache_.keys();
  const auto lock_name = KeySchema::flight_lock_name(f->key.hash);
  const auto flight_key = keys.flight(f->key.hash);
  const auto exact_key = keys.exact(f->key.ns, f->key.hash);
  const auto inflight_key = keys.inflight(f->key.ns, f->key.hash);
  LockGrant grant;
  grant.name = lock_name;
  grant.key = keys.lock(lock_name).lock;
  grant.value = value;
  grant.ttl = options_.lease;
  grant.valid_until = validity_deadline(SteadyClock::now(), options_.lease);
  const auto lock_value = value.encode();
  auto lease = Lease::start(
      locks_, grant,
      [hash = f->key.hash](const Error& e) {
        spdlog::warn("single-flight: leader lost its lease on {}: {}", hash, e.message());
      },
      scripts::list(flight_key, inflight_key), options_.lease + options_.stream_linger);

  Result<void> ran;
  std::string answer;
  Completion completion = Completion::complete;
  if (f->produce) {
    LeaderSink sink(*this, f, grant.key, lock_value, lease);
    ran = co_await guarded([&]() { return f->produce(sink); });
    answer = sink.cached_value() ? std::move(*sink.cached_value()) : f->joined();
    completion = sink.completion();
  } else {
    Result<ComputeOutput> out = Error(ragcache::Errc::internal);
    ran = co_await guarded([&]() -> asio::awaitable<Result<void>> {
      out = co_await f->compute();
      if (!out) co_return out.error();
      co_return Result<void>();
    });
    if (ran) {
      answer = std::move(out->value);
      completion = out->completion;
    }
  }
  lease->stop();

  std::optional<PreparedEntry> entry;
  if (ran) entry = cache_.prepare(f->key, answer, completion);
  const auto finishing = fsm.on_compute_end(ran.has_value(), entry.has_value());
  std::string payload;
  if (!ran) {
    payload = ran.error().message();
  } else if (!f->produce) {
    payload = answer;
  }
  // Arguments as named locals: GCC 12 mishandles temporaries of conditional expressions inside
  // a co_await full-expression (double destruction).
  std::string kind = finishing.error_marker ? "e" : "d";
  std::string entry_bytes;
  std::string entry_ttl = "1";
  if (finishing.store) {
    entry_bytes = std::move(entry->bytes);
    entry_ttl = std::to_string(entry->ttl.count());
  }
  auto finish_keys = scripts::list(grant.key, exact_key, flight_key, inflight_key);
  auto finish_args = scripts::list(lock_value, std::move(kind), std::move(payload), std::move(entry_bytes),
                                   std::move(entry_ttl), std::to_string(options_.stream_linger.count()));
  auto finished = co_await cache_.client().eval(scripts::flight_finish(), std::move(finish_keys), std::move(finish_args));
  FinishReply reply = FinishReply::failed;
  if (finished) reply = finished->integer == 1 ? FinishReply::finished
                        : finished->integer == 2 ? FinishReply::stale
                                                 : FinishReply::refused;
  const auto settled = fsm.after_finish(reply);
  if (settled.refused) {
    ++stats_.refused_finishes;
    std::string why = finished ? std::string("lock lapsed") : finished.error().message();
    spdlog::warn("single-flight: finish of {} refused or failed ({}): answer not stored", f->key.hash, why);
  } else if (reply == FinishReply::stale) {
    ++stats_.invalidated_in_flight;
  }
  if (settled.remember) cache_.remember(f->key, answer);
  if (!ran) co_return finish(f, ran.error());
  if (!f->produce) f->append(std::move(answer));
  finish(f, std::nullopt);
}

asio::awaitable<Result<FlightResult>> SingleFlight::get_or_compute(const CacheKey& key, Compute compute) {
  if (!compute) co_return Error(ragcache::Errc::invalid_argument, "compute is empty");
  auto cached = co_await cache_.lookup(key);
  if (cached && *cached) {
    ++stats_.hits;
    co_return FlightResult{FlightRole::hit, std::move(**cached)};
  }
  if (!cached && cached.error().code == Errc::invalid_key) co_return cached.error();
  bool creator = false;
  auto f = join(key, compute, {}, creator);
  const auto deadline = SteadyClock::now() + options_.wait_timeout;
  for (;;) {
    auto seen = f->changed.generation();
    {
      std::lock_guard lock(f->mu);
      if (f->done) {
        --f->attached;
        if (f->error) co_return *f->error;
        std::string value;
        for (const auto& c : f->chunks) value += c;
        co_return FlightResult{caller_role(f->role.value_or(FlightRole::shared), creator), std::move(value)};
      }
    }
    const auto wake = co_await f->changed.wait(seen, deadline);
    const auto next = after_wait(wait_end(wake), options_.compute_on_timeout, 0);
    if (next == WaitStep::look_again) continue;
    {
      std::lock_guard lock(f->mu);
      --f->attached;
    }
    if (next == WaitStep::cancelled) co_return Error(ragcache::Errc::cancelled, "caller cancelled");
    if (next == WaitStep::timed_out) co_return Error(Errc::wait_timeout, key.hash);
    ++stats_.computes;
    auto own = co_await compute();
    if (!own) co_return own.error();
    co_return FlightResult{FlightRole::bypass, std::move(own->value)};
  }
}

asio::awaitable<Result<StreamResult>> SingleFlight::get_or_compute_stream(const CacheKey& key, StreamCompute produce,
                                                                          StreamHandlers handlers) {
  if (!produce) co_return Error(ragcache::Errc::invalid_argument, "producer is empty");
  StreamResult result;
  auto cached = co_await cache_.lookup(key);
  if (cached && *cached) {
    ++stats_.hits;
    result.role = FlightRole::hit;
    if (handlers.on_start) co_await handlers.on_start(FlightRole::hit);
    if (handlers.on_chunk) co_await handlers.on_chunk(**cached);
    result.chunks = 1;
    result.bytes = (*cached)->size();
    co_return result;
  }
  if (!cached && cached.error().code == Errc::invalid_key) co_return cached.error();
  bool creator = false;
  auto f = join(key, {}, produce, creator);
  // For a stream the deadline bounds silence, not the whole answer: each chunk pushes it back.
  auto deadline = SteadyClock::now() + options_.wait_timeout;
  std::size_t next = 0;
  std::uint64_t generation = 0;
  bool started = false;
  std::vector<std::string> fresh;
  auto detach = [&] {
    std::lock_guard lock(f->mu);
    --f->attached;
  };
  {
    std::lock_guard lock(f->mu);
    generation = f->generation;
  }
  for (;;) {
    auto seen = f->changed.generation();
    bool done = false;
    std::optional<Error> error;
    FlightRole role = FlightRole::shared;
    fresh.clear();
    {
      std::lock_guard lock(f->mu);
      if (f->generation != generation) {
        if (!can_follow_new_generation(result.chunks)) {
          --f->attached;
          co_return Error(Errc::leader_lost, "the generation being relayed died");
        }
        generation = f->generation;
        next = 0;
      }
      for (; next < f->chunks.size(); ++next) fresh.push_back(f->chunks[next]);
      done = f->done;
      error = f->error;
      role = caller_role(f->role.value_or(FlightRole::shared), creator);
      if (done) --f->attached;
    }
    if (done && error) co_return *error;
    if (!started && (!fresh.empty() || done)) {
      started = true;
      result.role = role;
      if (handlers.on_start) co_await handlers.on_start(role);
    }
    for (const auto& c : fresh) {
      ++result.chunks;
      result.bytes += c.size();
      if (handlers.on_chunk) co_await handlers.on_chunk(c);
    }
    if (!fresh.empty()) deadline = SteadyClock::now() + options_.wait_timeout;
    if (done) co_return result;
    if (!fresh.empty()) continue;  // relaying took time: look again before sleeping
    const auto wake = co_await f->changed.wait(seen, deadline);
    const auto step = after_wait(wait_end(wake), options_.compute_on_timeout, result.chunks);
    if (step == WaitStep::look_again) continue;
    detach();
    if (step == WaitStep::cancelled) co_return Error(ragcache::Errc::cancelled, "caller cancelled");
    if (step == WaitStep::timed_out) co_return Error(Errc::wait_timeout, key.hash);
    ++stats_.computes;
    DirectSink sink(handlers);
    if (handlers.on_start) co_await handlers.on_start(FlightRole::bypass);
    auto own = co_await produce(sink);
    if (!own) co_return own.error();
    co_return StreamResult{FlightRole::bypass, sink.chunks, sink.bytes};
  }
}

}  // namespace ragcache::cache
