#include "domain/cache/blocking_pool.h"

#include "redis/cluster_router.h"

namespace ragcache::cache {

std::unique_ptr<redis::DedicatedConnection> BlockingPool::take(std::string_view routing_key) {
  const redis::Router* router = client_.router();
  const std::string where = (router ? router->endpoint_for(routing_key) : client_.endpoint()).describe();
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

bool BlockingPool::route_known() const {
  const auto* cluster = dynamic_cast<const redis::ClusterRouter*>(client_.router());
  return cluster == nullptr || !cluster->primaries().empty();
}

void BlockingPool::give_back(std::unique_ptr<redis::DedicatedConnection> conn) {
  if (!conn) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace ragcache::cache
