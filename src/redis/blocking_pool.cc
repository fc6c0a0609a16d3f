#include "redis/blocking_pool.h"

namespace ragcache::redis {

std::unique_ptr<DedicatedConnection> BlockingPool::take(std::string_view routing_key) {
  const std::string where = client_.router()->endpoint_for(routing_key).describe();
  {
    std::lock_guard lock(mu_);
    for (auto it = idle_.end(); it != idle_.begin();) {
      --it;
      if ((**it)->down()) {
        it = idle_.erase(it);
        continue;
      }
      if ((**it)->endpoint().describe() != where) continue;
      auto conn = std::move(*it);
      idle_.erase(it);
      return conn;
    }
  }
  return client_.dedicated(routing_key);
}

bool BlockingPool::route_known() const { return client_.router()->route_known(); }

void BlockingPool::give_back(std::unique_ptr<DedicatedConnection> conn) {
  if (!conn) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace ragcache::redis
