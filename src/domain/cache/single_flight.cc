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
#include "domain/cache/lease.h"
#include "domain/cache/scripts.h"
#include "domain/cache/stream_entries.h"
#include "redis/errors.h"

namespace ragcache::cache {

namespace asio = boost::asio;
using std::chrono::milliseconds;

std::string_view x_cache_value(FlightRole role) {
  switch (role) {
    case FlightRole::hit: return "HIT";
    case FlightRole::leader: return "MISS";
    case FlightRole::shared: return "SHARED";
    case FlightRole::bypass: return "BYPASS";
  }
  return "MISS";
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
  std::uint64_t fence = 0;
  std::string cursor = "0-0";
  std::unique_ptr<redis::DedicatedConnection> conn;
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

asio::awaitable<void> pause(milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
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
      pool_(std::make_shared<BlockingPool>(cache.client())) {}

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

asio::awaitable<void> SingleFlight::drive(std::shared_ptr<Flight> f) {
  const auto& keys = cache_.keys();
  const auto lock_keys = keys.lock(KeySchema::flight_lock_name(f->key.hash));
  const auto exact_key = keys.exact(f->key.ns, f->key.hash);
  const auto flight_key = keys.flight(f->key.hash);
  FollowState st;
  bool skip_cache = false;
  bool followed = false;
  for (;;) {
    auto token = random_token();
    auto begin_keys = scripts::list(exact_key, lock_keys.lock, lock_keys.fence, flight_key);
    auto begin_args = scripts::list(token, std::to_string(options_.lease.count()),
                                    std::to_string(options_.fence_counter_ttl.count()),
                                    std::to_string((options_.lease + options_.stream_linger).count()),
                                    std::string(skip_cache ? "1" : "0"));
    auto reply = co_await cache_.client().eval(scripts::flight_begin(), std::move(begin_keys), std::move(begin_args));
    if (!reply || !reply->is_array() || reply->elements.size() < 2) {
      Error e = reply ? Error(redis::Errc::unexpected_reply, reply->debug_string()) : reply.error();
      if (options_.bypass_when_unavailable) {
        spdlog::warn("single-flight: Redis unavailable ({}), computing without the cache", e.message());
        co_await bypass(f);
      } else {
        finish(f, e);
      }
      break;
    }
    const std::string kind = reply->elements[0].str;
    if (kind == "hit") {
      if (auto value = cache_.accept(f->key, reply->elements[1].str)) {
        ++stats_.hits;
        f->set_role(FlightRole::hit);
        f->restart();
        f->append(std::move(*value));
        finish(f, std::nullopt);
        break;
      }
      skip_cache = true;  // corrupt or another request's entry: treat as a miss
      continue;
    }
    if (kind == "acquired") {
      auto value = LockValue::parse(reply->elements[1].str);
      if (!value) {
        finish(f, Error(redis::Errc::unexpected_reply, "flight_begin: bad lock value"));
        break;
      }
      if (followed) ++stats_.takeovers;
      if (st.conn) pool_->give_back(std::move(st.conn));
      co_await lead(f, *value);
      break;
    }
    auto holder = LockValue::parse(reply->elements[1].str);
    if (kind != "held" || !holder) {
      finish(f, Error(redis::Errc::unexpected_reply, "flight_begin: " + reply->debug_string()));
      break;
    }
    if (!followed) ++stats_.followed;
    followed = true;
    auto outcome = co_await follow(f, st, holder->fence);
    if (outcome == FollowOutcome::recheck) continue;
    if (outcome == FollowOutcome::abandoned) finish(f, Error(ragcache::Errc::cancelled, "no caller left"));
    break;
  }
  if (st.conn) pool_->give_back(std::move(st.conn));
}

asio::awaitable<SingleFlight::FollowOutcome> SingleFlight::follow(std::shared_ptr<Flight> f, FollowState& st,
                                                                  std::uint64_t fence) {
  if (st.fence != fence) {
    // Another generation than the one we read (or the first): read its stream from the start.
    if (st.fence != 0) f->restart();
    st.fence = fence;
    st.cursor = "0-0";
  }
  f->set_role(FlightRole::shared);
  const auto flight_key = cache_.keys().flight(f->key.hash);
  if (!st.conn) st.conn = pool_->take(flight_key);
  const auto slice = options_.recheck_interval;
  for (;;) {
    {
      std::lock_guard lock(f->mu);
      if (f->attached == 0) co_return FollowOutcome::abandoned;
    }
    auto reply = co_await (*st.conn)->exec(
        redis::Command("XREAD", "COUNT", 512, "BLOCK", slice.count(), "STREAMS", flight_key, st.cursor),
        slice + milliseconds(2000));
    if (!reply) {
      // The next follow takes a fresh connection: this one may point at a node that no longer
      // serves the stream's slot (MOVED after a reshard or failover).
      st.conn.reset();
      co_await pause(milliseconds(50));  // a broken connection must not become a busy loop
      co_return FollowOutcome::recheck;
    }
    auto entries = parse_xread(*reply);
    if (!entries) co_return FollowOutcome::recheck;
    if (entries->empty()) co_return FollowOutcome::recheck;  // quiet for a slice: is the leader alive?
    for (auto& e : *entries) {
      st.cursor = e.id_text;
      auto type = e.field("t").value_or("");
      auto v = e.field("v").value_or("");
      if (type == "s") {
        auto gen = LockValue::parse("x:" + std::string(v));
        if (gen && gen->fence > st.fence) {
          // The lock changed hands while we read: a new leader restarted the stream.
          f->restart();
          st.fence = gen->fence;
        }
      } else if (type == "c") {
        f->append(std::string(v));
      } else if (type == "d") {
        if (!v.empty()) f->append(std::string(v));
        finish(f, std::nullopt);
        co_return FollowOutcome::finished;
      } else if (type == "e") {
        finish(f, Error(Errc::leader_failed, std::string(v)));
        co_return FollowOutcome::finished;
      }
    }
  }
}

asio::awaitable<void> SingleFlight::lead(std::shared_ptr<Flight> f, LockValue value) {
  ++stats_.led;
  ++stats_.computes;
  f->restart();
  f->set_role(FlightRole::leader);
  const auto& keys = cache_.keys();
  const auto lock_name = KeySchema::flight_lock_name(f->key.hash);
  const auto flight_key = keys.flight(f->key.hash);
  const auto exact_key = keys.exact(f->key.ns, f->key.hash);
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
      scripts::list(flight_key), options_.lease + options_.stream_linger);

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

  std::string kind = ran ? "d" : "e";
  std::string payload;
  if (!ran) {
    payload = ran.error().message();
  } else if (!f->produce) {
    payload = answer;
  }
  std::optional<PreparedEntry> entry;
  if (ran) entry = cache_.prepare(f->key, answer, completion);
  // Arguments as named locals: GCC 12 mishandles temporaries of conditional expressions inside
  // a co_await full-expression (double destruction).
  std::string entry_bytes;
  std::string entry_ttl = "1";
  if (entry) {
    entry_bytes = std::move(entry->bytes);
    entry_ttl = std::to_string(entry->ttl.count());
  }
  auto finish_keys = scripts::list(grant.key, exact_key, flight_key);
  auto finish_args = scripts::list(lock_value, kind, payload, std::move(entry_bytes), std::move(entry_ttl),
                                   std::to_string(options_.stream_linger.count()));
  auto finished = co_await cache_.client().eval(scripts::flight_finish(), std::move(finish_keys), std::move(finish_args));
  if (!finished || finished->integer != 1) {
    ++stats_.refused_finishes;
    std::string why = finished ? std::string("lock lapsed") : finished.error().message();
    spdlog::warn("single-flight: finish of {} refused or failed ({}): answer not stored", f->key.hash, why);
  } else if (entry) {
    cache_.remember(f->key, answer);
  }
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
        FlightRole role = f->role.value_or(FlightRole::shared);
        if (!creator && role == FlightRole::leader) role = FlightRole::shared;
        co_return FlightResult{role, std::move(value)};
      }
    }
    auto wake = co_await f->changed.wait(seen, deadline);
    if (wake == AsyncEvent::Wake::notified) continue;
    {
      std::lock_guard lock(f->mu);
      --f->attached;
    }
    if (wake == AsyncEvent::Wake::cancelled) co_return Error(ragcache::Errc::cancelled, "caller cancelled");
    if (!options_.compute_on_timeout) co_return Error(Errc::wait_timeout, key.hash);
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
        if (result.chunks > 0) {
          --f->attached;
          co_return Error(Errc::leader_lost, "the generation being relayed died");
        }
        generation = f->generation;
        next = 0;
      }
      for (; next < f->chunks.size(); ++next) fresh.push_back(f->chunks[next]);
      done = f->done;
      error = f->error;
      role = f->role.value_or(FlightRole::shared);
      if (!creator && role == FlightRole::leader) role = FlightRole::shared;
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
    auto wake = co_await f->changed.wait(seen, deadline);
    if (wake == AsyncEvent::Wake::notified) continue;
    detach();
    if (wake == AsyncEvent::Wake::cancelled) co_return Error(ragcache::Errc::cancelled, "caller cancelled");
    if (!options_.compute_on_timeout || result.chunks > 0) co_return Error(Errc::wait_timeout, key.hash);
    ++stats_.computes;
    DirectSink sink(handlers);
    if (handlers.on_start) co_await handlers.on_start(FlightRole::bypass);
    auto own = co_await produce(sink);
    if (!own) co_return own.error();
    co_return StreamResult{FlightRole::bypass, sink.chunks, sink.bytes};
  }
}

}  // namespace ragcache::cache
