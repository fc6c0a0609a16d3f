#include "domain/cache/blocking_pool.h"

namespace ragcache::cache {

std::unique_ptr<redis::DedicatedConnection> BlockingPool::take() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (!(*conn)->down()) return conn;
    }
  }
  return client_.dedicated();
}

void BlockingPool::give_back(std::unique_ptr<redis::DedicatedConnection> conn) {
  if (!conn) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace ragcache::cache
