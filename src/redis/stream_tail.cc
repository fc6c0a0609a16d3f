#include "redis/stream_tail.h"

#include "base/sleep.h"
#include "redis/errors.h"

namespace ragcache::redis {

namespace asio = boost::asio;
using std::chrono::milliseconds;

std::optional<std::string> last_entry_id(const Reply& reply) {
  if (!reply.is_array() || reply.elements.empty()) return std::nullopt;
  const Reply& stream = reply.elements[0];
  if (!stream.is_array() || stream.elements.size() != 2 || !stream.elements[1].is_array()) return std::nullopt;
  const auto& entries = stream.elements[1].elements;
  if (entries.empty() || !entries.back().is_array() || entries.back().elements.empty()) return std::nullopt;
  const Reply& id = entries.back().elements[0];
  if (!id.is_string()) return std::nullopt;
  return id.str;
}

StreamTail::StreamTail(std::shared_ptr<BlockingPool> pool, std::string stream, std::string cursor,
                       StreamTailOptions options)
    : pool_(std::move(pool)), stream_(std::move(stream)), cursor_(std::move(cursor)), options_(options) {}

StreamTail::~StreamTail() {
  // A healthy connection goes back for the next tail; a stopped or failed one is closed.
  std::lock_guard lock(mu_);
  if (conn_ && !stopped_.load() && !failed_) pool_->give_back(std::move(conn_));
}

void StreamTail::stop() {
  std::lock_guard lock(mu_);
  if (stopped_.exchange(true)) return;
  if (conn_) (*conn_)->close();  // fails the pending XREAD at once
}

asio::awaitable<bool> StreamTail::connect() {
  {
    std::lock_guard lock(mu_);
    if (stopped_.load()) co_return false;
    if (conn_) co_return true;
  }
  const auto give_up_waiting = std::chrono::steady_clock::now() + options_.route_wait;
  while (!pool_->route_known() && std::chrono::steady_clock::now() < give_up_waiting && !stopped_.load()) {
    co_await sleep_for(milliseconds(5));
  }
  std::lock_guard lock(mu_);
  if (stopped_.load()) co_return false;
  conn_ = pool_->take(stream_);
  co_return true;
}

asio::awaitable<Result<void>> StreamTail::resolve_newest() {
  auto newest = co_await (*conn_)->exec(Command("XREVRANGE", stream_, "+", "-", "COUNT", 1));
  if (!newest) co_return newest.error();
  if (!newest->is_array()) co_return Error(Errc::unexpected_reply, "XREVRANGE: " + newest->debug_string());
  cursor_ = "0-0";
  if (!newest->elements.empty()) {
    const Reply& entry = newest->elements.front();
    if (entry.is_array() && !entry.elements.empty() && entry.elements[0].is_string()) cursor_ = entry.elements[0].str;
  }
  co_return Result<void>();
}

asio::awaitable<Result<Reply>> StreamTail::read() {
  if (stopped_.load()) co_return Error(Errc::closed, "stream tail stopped");
  if (failed_) {
    co_await sleep_for(options_.retry_pause);
    std::lock_guard lock(mu_);
    conn_.reset();  // renewed below, where the stream lives now
    failed_ = false;
  }
  if (!co_await connect()) co_return Error(Errc::closed, "stream tail stopped");
  if (cursor_ == kNewest) {
    auto resolved = co_await resolve_newest();
    if (stopped_.load()) co_return Error(Errc::closed, "stream tail stopped");
    if (!resolved) {
      failed_ = true;
      co_return resolved.error();
    }
  }
  auto reply = co_await (*conn_)->exec(
      Command("XREAD", "COUNT", options_.count, "BLOCK", options_.block.count(), "STREAMS", stream_, cursor_),
      options_.block + options_.reply_margin);
  if (stopped_.load()) co_return Error(Errc::closed, "stream tail stopped");
  if (!reply) {
    failed_ = true;
    co_return reply.error();
  }
  if (auto id = last_entry_id(*reply)) cursor_ = std::move(*id);
  co_return reply;
}

}  // namespace ragcache::redis
