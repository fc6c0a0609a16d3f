#include "redis/node_pool.h"

namespace ragcache::redis {

NodePool::NodePool(boost::asio::any_io_executor ex, Endpoint endpoint, const ConnectionOptions& options,
                   std::size_t size)
    : endpoint_(std::move(endpoint)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    pool_.push_back(Connection::create(ex, endpoint_, options));
  }
}

NodePool::~NodePool() { close(); }

void NodePool::close() {
  if (closed_.exchange(true)) return;
  for (auto& conn : pool_) conn->close();
}

Connection& NodePool::pick() {
  const std::size_t n = pool_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  Connection* best = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    Connection& c = *pool_[(start + i) % n];
    if (!c.ready()) continue;
    if (best == nullptr || c.load() < best->load()) best = &c;
  }
  if (best != nullptr) return *best;
  for (std::size_t i = 0; i < n; ++i) {
    Connection& c = *pool_[(start + i) % n];
    if (!c.down()) return c;
  }
  return *pool_[start % n];
}

bool NodePool::connected() const {
  for (const auto& c : pool_) {
    if (c->ready()) return true;
  }
  return false;
}

}  // namespace ragcache::redis
