#include "gateway/hot_recorder.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <spdlog/spdlog.h>

#include "domain/hot/question_text.h"

namespace ragcache::gateway {

namespace asio = boost::asio;

// ---- HotTally ----

std::string HotTally::key_of(std::string_view ns, std::string_view normalised, std::int64_t hour) const {
  std::string key;
  key.reserve(ns.size() + normalised.size() + 24);
  key.append(ns);
  key += '\0';
  key += std::to_string(hour);
  key += '\0';
  key.append(normalised);
  return key;
}

bool HotTally::add(std::span<const std::string_view> namespaces, std::string_view question, std::int64_t hour) {
  // Keyed by the normalised text, so "What is RAG?" and "what is rag" are one entry; the text
  // kept is one the recorder normalises to the same thing.
  const std::string normalised = hot::normalize_question(question, max_question_bytes_);
  if (normalised.empty()) return false;
  for (std::string_view ns : namespaces) {
    auto [it, inserted] = entries_.try_emplace(key_of(ns, normalised, hour));
    if (inserted) {
      it->second.ns = std::string(ns);
      it->second.question = std::string(question);
      it->second.hour = hour;
    }
    ++it->second.count;
  }
  return true;
}

bool HotTally::contains(std::string_view ns, std::string_view question, std::int64_t hour) const {
  return entries_.contains(key_of(ns, hot::normalize_question(question, max_question_bytes_), hour));
}

std::vector<HotTally::Entry> HotTally::take() {
  std::vector<Entry> out;
  out.reserve(entries_.size());
  for (auto& [key, e] : entries_) out.push_back(std::move(e));
  entries_.clear();
  return out;
}

// ---- HotRecorder ----

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kDropFactor = 4;
}  // namespace

// The loop, its timers and the batch being written live on one strand; the tally is shared with
// add() under the mutex.
struct HotRecorder::State {
  State(hot::HotQuestions& h, asio::any_io_executor ex, HotRecorderOptions o)
      : hot(h), strand(asio::make_strand(ex)), opts(o), tally(h.options().max_question_bytes), wake(strand), done(strand) {}

  hot::HotQuestions& hot;
  asio::strand<asio::any_io_executor> strand;
  HotRecorderOptions opts;

  std::mutex mu;
  HotTally tally;  // guarded by mu
  std::atomic<std::uint64_t> dropped{0}, batches{0};

  // On the strand:
  asio::steady_timer wake;  // the interval; cancelled to flush early or to stop
  asio::steady_timer done;  // cancelled when the loop has ended
  bool stopping = false;
  bool loop_ended = false;
};

namespace {

using StatePtr = std::shared_ptr<HotRecorder::State>;

// Writes entries [next...) one at a time; several of these share one batch.
asio::awaitable<void> write_entries(StatePtr st, const std::vector<HotTally::Entry>& batch, std::size_t& next) {
  while (next < batch.size()) {
    const auto& e = batch[next++];
    const hot::HotQuestions::Clock::time_point at{std::chrono::hours(e.hour)};
    auto r = co_await st->hot.record(e.ns, e.question, at, e.count);
    if (!r) spdlog::debug("hot question not recorded ({} times): {}", e.count, r.error().message());
  }
}

asio::awaitable<void> flush(StatePtr st) {
  std::vector<HotTally::Entry> batch;
  {
    std::lock_guard lock(st->mu);
    batch = st->tally.take();
  }
  if (batch.empty()) co_return;
  using namespace asio::experimental::awaitable_operators;
  std::size_t next = 0;  // shared by the writers; they all run on the strand
  co_await (write_entries(st, batch, next) && write_entries(st, batch, next) && write_entries(st, batch, next) &&
            write_entries(st, batch, next));
  st->batches.fetch_add(1, std::memory_order_relaxed);
}

asio::awaitable<void> run_loop(StatePtr st) {
  while (!st->stopping) {
    st->wake.expires_after(st->opts.interval);
    co_await st->wake.async_wait(kTuple);  // cancelled: flush early (full) or stop
    co_await flush(st);
  }
  co_await flush(st);  // what arrived while the last batch was written
  st->loop_ended = true;
  st->done.cancel();
}

asio::awaitable<void> stop_on_strand(StatePtr st) {
  st->stopping = true;
  st->wake.cancel();
  if (st->loop_ended) co_return;
  st->done.expires_at(asio::steady_timer::time_point::max());
  co_await st->done.async_wait(kTuple);
}

}  // namespace

HotRecorder::HotRecorder(hot::HotQuestions& hot, asio::any_io_executor executor, HotRecorderOptions options)
    : state_(std::make_shared<State>(hot, std::move(executor), options)) {
  asio::co_spawn(state_->strand, run_loop(state_), asio::detached);
}

HotRecorder::~HotRecorder() = default;

void HotRecorder::add(std::span<const std::string_view> namespaces, std::string_view question) {
  const auto hour = hot::hour_index(hot::HotQuestions::Clock::now());
  std::size_t pending;
  {
    std::lock_guard lock(state_->mu);
    auto& tally = state_->tally;
    if (tally.size() >= state_->opts.max_pending * kDropFactor) {
      // Full: only questions already waiting are still counted (in every namespace named).
      for (std::string_view ns : namespaces) {
        if (!tally.contains(ns, question, hour)) {
          state_->dropped.fetch_add(1, std::memory_order_relaxed);
          return;
        }
      }
    }
    if (!tally.add(namespaces, question, hour)) return;
    pending = tally.size();
  }
  if (pending >= state_->opts.max_pending && pending - namespaces.size() < state_->opts.max_pending) {
    asio::post(state_->strand, [st = state_] { st->wake.cancel(); });
  }
}

asio::awaitable<void> HotRecorder::stop() {
  co_await asio::co_spawn(state_->strand, stop_on_strand(state_), asio::use_awaitable);
}

std::uint64_t HotRecorder::dropped() const { return state_->dropped.load(); }

std::uint64_t HotRecorder::batches_written() const { return state_->batches.load(); }

}  // namespace ragcache::gateway
