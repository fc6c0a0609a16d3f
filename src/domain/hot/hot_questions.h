// Hot questions: a live top-K of what users ask, per namespace.
//
// Every answered question is normalised (question_text.h) and counted in the sorted set of its
// hour, `rag:hot:{ns}:<hour>` (hour = unix time / 3600), which expires after `retention`, the
// longest window one can ask for. top(ns, N hours, k) sums the last N buckets (the current,
// partial hour included) in one script and returns the k most asked. Cache role: losing it only
// loses statistics. All keys of a namespace share the hash tag {ns} (cluster-safe).
//
// Lifetime: the Client must outlive this object and its calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "domain/hot/question_text.h"
#include "redis/client.h"

namespace ragcache::hot {

struct HotOptions {
  std::string key_prefix = "rag:hot:";
  std::chrono::hours retention{24 * 7};      // bucket TTL = the longest window
  std::size_t max_question_bytes = kDefaultQuestionBytes;
  std::size_t max_members_per_hour = 10000;  // per bucket; 0 = unbounded
  std::size_t max_k = 1000;
};

struct HotQuestion {
  std::string question;
  std::int64_t count = 0;
  bool operator==(const HotQuestion&) const = default;
};

// A parsed `?window=24h&k=20`.
struct HotQuery {
  std::chrono::hours window{24};
  std::size_t k = 20;
};

class HotQuestions {
 public:
  using Clock = std::chrono::system_clock;

  explicit HotQuestions(redis::Client& cache, HotOptions options = {});

  // Counts question once (or `times`) in the hour of `at`. Returns false (nothing recorded) when
  // nothing is left of the question after normalisation.
  boost::asio::awaitable<Result<bool>> record(std::string_view ns, std::string_view question,
                                              Clock::time_point at = Clock::now(), std::int64_t times = 1);
  // The k most asked questions over the `window` hours ending with the hour of `now`.
  boost::asio::awaitable<Result<std::vector<HotQuestion>>> top(std::string_view ns, std::chrono::hours window,
                                                               std::size_t k, Clock::time_point now = Clock::now());

  const HotOptions& options() const { return options_; }

 private:
  redis::Client& cache_;
  HotOptions options_;
};

// Pure helpers (unit-tested).
std::int64_t hour_index(std::chrono::system_clock::time_point t);
std::string hot_bucket_key(std::string_view prefix, std::string_view ns, std::int64_t hour);
// Buckets of the `window` hours ending with hour `last` (newest first).
std::vector<std::string> hot_bucket_keys(std::string_view prefix, std::string_view ns, std::int64_t last,
                                         std::chrono::hours window);
// Namespaces become a hash tag: non-empty, <= 128 bytes, no braces or control characters.
Result<void> validate_namespace(std::string_view ns);
// "24h", "7d", "90m" (rounded up to whole hours), "3600s", or a bare number of hours.
Result<std::chrono::hours> parse_window(std::string_view text);
// Query parameters of GET /v1/ragcache/hot (absent -> defaults 24h / 20); checked against options.
Result<HotQuery> parse_hot_query(std::optional<std::string_view> window, std::optional<std::string_view> k,
                                 const HotOptions& options = {});
// {"questions":[{"question":...,"count":N},...]}
boost::json::value hot_to_json(const std::vector<HotQuestion>& questions);

}  // namespace ragcache::hot
