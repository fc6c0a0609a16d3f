// Hot-question scoring off the request path: counts are summed in memory and written to Redis
// in batches, instead of one script call (one Redis round trip) per answered request.
//
// Why: with the L1 in front of Redis an exact hit needs no Redis at all, except for this score;
// one EVALSHA per hit cost the gateway and Redis more than the hit itself. Now add() is a map
// increment under a mutex, and every `interval` (100 ms) the flush loop writes each distinct
// (namespace, question, hour) once with its summed count (HotQuestions::record(..., times)), a few
// calls in flight at once (the Redis client pipelines them).
//
// Semantics (the same counts, slightly later):
// - a question shows up in GET /v1/ragcache/hot up to `interval` later than before (it was
//   already written in the background, so never synchronously visible);
// - counts go to the hour in which the question was asked (the hour is part of the tally key),
//   even if the flush happens in the next hour;
// - nothing is lost on graceful shutdown: stop() (after the server stopped) flushes the rest;
// - a failed write (Redis down) loses that batch's counts, as the per-request write did
//   (statistics, cache role), logged at debug;
// - bounded memory: past `max_pending` distinct entries the loop is woken to flush at once, and
//   past 4x that, new distinct questions are dropped until the next flush (counted, dropped()).
//
// Thread-safety: add() from any thread; stop() once, from any coroutine. Lifetime: the
// HotQuestions must outlive the recorder's loop, i.e. call stop() before destroying either.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/hot/hot_questions.h"

namespace ragcache::gateway {

// The pure part: questions counted per (namespace, normalised question, hour). Not thread-safe.
class HotTally {
 public:
  struct Entry {
    std::string ns;
    std::string question;  // as first asked (HotQuestions::record normalises it again)
    std::int64_t hour = 0;  // hot::hour_index of when it was asked
    std::int64_t count = 0;
  };

  explicit HotTally(std::size_t max_question_bytes = hot::kDefaultQuestionBytes)
      : max_question_bytes_(max_question_bytes) {}

  // Counts one question in each of the namespaces (normalised once for all of them). False when
  // nothing is left of it after normalisation (not counted).
  bool add(std::span<const std::string_view> namespaces, std::string_view question, std::int64_t hour);
  bool add(std::string_view ns, std::string_view question, std::int64_t hour) {
    return add(std::span<const std::string_view>(&ns, 1), question, hour);
  }
  // Distinct entries waiting.
  std::size_t size() const { return entries_.size(); }
  bool contains(std::string_view ns, std::string_view question, std::int64_t hour) const;
  // Hands over every entry and starts empty.
  std::vector<Entry> take();

 private:
  std::string key_of(std::string_view ns, std::string_view normalised, std::int64_t hour) const;
  std::size_t max_question_bytes_;
  std::unordered_map<std::string, Entry> entries_;
};

struct HotRecorderOptions {
  std::chrono::milliseconds interval{100};
  std::size_t max_pending = 10'000;  // distinct entries before an early flush
};

class HotRecorder {
 public:
  HotRecorder(hot::HotQuestions& hot, boost::asio::any_io_executor executor, HotRecorderOptions options = {});
  ~HotRecorder();
  HotRecorder(const HotRecorder&) = delete;
  HotRecorder& operator=(const HotRecorder&) = delete;

  // Counts a question asked now in each of the namespaces (already validated by the caller).
  void add(std::span<const std::string_view> namespaces, std::string_view question);
  void add(std::string_view ns, std::string_view question) { add(std::span<const std::string_view>(&ns, 1), question); }
  // Flushes what is pending and ends the loop; completes when the last batch is written (or
  // failed). Call once, after the server stopped taking requests.
  boost::asio::awaitable<void> stop();

  std::uint64_t dropped() const;
  std::uint64_t batches_written() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ragcache::gateway
