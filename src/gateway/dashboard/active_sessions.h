// "Sessions active" for the dashboard and /v1/ragcache/stats: the number of distinct session ids
// this gateway process saw in the last `window` (5 minutes by default). A session is seen when a
// chat completion carries X-Session-Id or a native /v1/ragcache/sessions/{sid} call names it.
//
// Per process, on purpose: it costs one hash-map update under a mutex per session request and no
// Redis round trip. Behind a load balancer each replica counts the sessions it served; a
// session that hit two replicas counts on both. Memory is bounded: beyond `max_tracked` ids the
// count saturates (and says so) instead of growing.
//
// Thread-safe: touch() and count() may be called from any io thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace ragcache::dashboard {

class ActiveSessions {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ActiveSessions(Clock::duration window = std::chrono::minutes(5), std::size_t max_tracked = 100000)
      : window_(window), max_tracked_(max_tracked) {}

  void touch(std::string_view session_id, Clock::time_point now = Clock::now());

  struct Count {
    std::size_t sessions = 0;
    bool saturated = false;  // max_tracked reached: the true number may be higher
  };
  Count count(Clock::time_point now = Clock::now());

  Clock::duration window() const { return window_; }

 private:
  void prune(Clock::time_point now);  // drops ids not seen within the window; mu_ held

  const Clock::duration window_;
  const std::size_t max_tracked_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, Clock::time_point> last_seen_;  // hash of the id -> last touch
  Clock::time_point last_prune_{};
  bool dropped_ = false;  // an id was not tracked because the table was full
};

}  // namespace ragcache::dashboard
