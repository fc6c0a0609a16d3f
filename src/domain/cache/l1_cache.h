// L1: a small in-process cache in front of Redis for the hottest answers.
//
// Bounded by bytes (least recently used entries go first) and by a short TTL, so an entry
// deleted in Redis by another replica is served stale for at most that TTL even if its
// invalidation message is lost. Entries keep the canonical request bytes and are verified on
// every get, like Redis entries. Thread-safe (one mutex; no I/O under it).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ragcache::cache {

class L1Cache {
 public:
  using Clock = std::chrono::steady_clock;

  L1Cache(std::size_t max_bytes, std::chrono::milliseconds ttl) : max_bytes_(max_bytes), ttl_(ttl) {}

  // The answer when present, fresh and made for exactly this canonical request.
  std::optional<std::string> get(const std::string& key, std::string_view canonical, Clock::time_point now = Clock::now());
  // Entries larger than a quarter of the budget are not kept (they would evict everything).
  void put(const std::string& key, std::string_view ns, std::string_view canonical, std::string_view answer,
           Clock::time_point now = Clock::now());
  void erase(const std::string& key);
  void erase_namespace(std::string_view ns);
  void clear();

  std::size_t bytes() const;
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::string ns;
    std::string canonical;
    std::string answer;
    Clock::time_point expires;
    std::size_t cost() const { return key.size() + ns.size() + canonical.size() + answer.size() + 64; }
  };
  using List = std::list<Entry>;
  void erase_locked(List::iterator it);

  std::size_t max_bytes_;
  std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  List lru_;  // front = most recently used
  std::unordered_map<std::string, List::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace ragcache::cache
