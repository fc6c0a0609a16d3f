#include "domain/cache/l1_cache.h"

namespace ragcache::cache {

std::optional<std::string> L1Cache::get(const std::string& key, std::string_view canonical, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->expires <= now) {
    erase_locked(it->second);
    return std::nullopt;
  }
  if (it->second->canonical != canonical) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->answer;
}

void L1Cache::put(const std::string& key, std::string_view ns, std::string_view canonical, std::string_view answer,
                  Clock::time_point now) {
  if (max_bytes_ == 0 || ttl_.count() <= 0) return;
  Entry e{key, std::string(ns), std::string(canonical), std::string(answer), now + ttl_};
  if (e.cost() > max_bytes_ / 4) return;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
  bytes_ += e.cost();
  lru_.push_front(std::move(e));
  index_[key] = lru_.begin();
  while (bytes_ > max_bytes_ && !lru_.empty()) erase_locked(std::prev(lru_.end()));
}

void L1Cache::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
}

void L1Cache::erase_namespace(std::string_view ns) {
  std::lock_guard lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (it->ns == ns) erase_locked(it);
    it = next;
  }
}

void L1Cache::clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

std::size_t L1Cache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::size_t L1Cache::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

void L1Cache::erase_locked(List::iterator it) {
  bytes_ -= it->cost();
  index_.erase(it->key);
  lru_.erase(it);
}

}  // namespace ragcache::cache
