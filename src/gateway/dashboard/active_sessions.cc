#include "gateway/dashboard/active_sessions.h"

#include <algorithm>
#include <functional>

namespace ragcache::dashboard {

void ActiveSessions::prune(Clock::time_point now) {
  std::erase_if(last_seen_, [&](const auto& kv) { return now - kv.second >= window_; });
  last_prune_ = now;
  if (last_seen_.size() < max_tracked_) dropped_ = false;
}

void ActiveSessions::touch(std::string_view session_id, Clock::time_point now) {
  if (session_id.empty()) return;
  const std::uint64_t h = std::hash<std::string_view>{}(session_id);
  std::lock_guard lock(mu_);
  // Pruning walks the table: at most once per tenth of the window, or when it is full.
  if (now - last_prune_ >= window_ / 10 || last_seen_.size() >= max_tracked_) prune(now);
  if (auto it = last_seen_.find(h); it != last_seen_.end()) {
    it->second = std::max(it->second, now);
  } else if (last_seen_.size() < max_tracked_) {
    last_seen_.emplace(h, now);
  } else {
    dropped_ = true;
  }
}

ActiveSessions::Count ActiveSessions::count(Clock::time_point now) {
  std::lock_guard lock(mu_);
  prune(now);
  return Count{last_seen_.size(), dropped_};
}

}  // namespace ragcache::dashboard
