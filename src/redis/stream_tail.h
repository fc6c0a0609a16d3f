// One XREAD BLOCK tail of one stream: the loop every "follow this stream" reader of ragcache is
// built on (the exact cache's L1 invalidation listener, the semantic cache's doorbell
// rag:semring, the lock signal hub, the single-flight follower).
//
//   StreamTail tail(pool, stream, StreamTail::kNewest, {.block = 1000ms});
//   for (;;) {
//     auto batch = co_await tail.read();        // entries after the cursor, or nil after `block`
//     if (tail.stopped()) break;
//     if (!batch) { ...cannot see the stream right now...; continue; }
//     ...apply *batch (an XREAD reply for this one stream)...
//   }
//
// - Cursor: each read starts after the newest entry the previous one returned; seek() moves it
//   (e.g. back to "0-0" to read a new generation of a stream from its start). kNewest starts
//   after the newest entry present when the tail first reads (resolved with XREVRANGE), so an
//   old backlog is skipped without missing what arrives from then on.
// - Renewal: a failed read returns its error; the next read first pauses `retry_pause` (a dead
//   server never turns a tail into a busy loop), then takes a fresh connection to wherever the
//   stream lives now (after a reshard or failover its slot may have moved). A new cluster client
//   learns its slot map a moment after it is made: the first connection waits for it (up to
//   `route_wait`, then any node; renewal corrects).
// - Stop: stop() (any thread) closes the tail's connection, so a read in flight ends at once with
//   an error and every later read returns Errc::closed. stopped() tells that apart from a failure.
//   Without stop(), the destructor gives the connection back to the pool for the next tail.
// Connections come from a BlockingPool (blocking reads must not share the multiplexed pool).
// Reads of one tail must not overlap; the pool (and its Client) must outlive the tail.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/error.h"
#include "redis/blocking_pool.h"
#include "redis/reply.h"

namespace ragcache::redis {

struct StreamTailOptions {
  std::chrono::milliseconds block{1000};        // longest XREAD BLOCK
  std::int64_t count = 256;                      // entries per read at most
  std::chrono::milliseconds retry_pause{100};    // after a failed read, before the next one
  std::chrono::milliseconds route_wait{2000};    // first connection: wait this long for a slot map
  std::chrono::milliseconds reply_margin{2000};  // a read fails when no reply came block + this
};

class StreamTail {
 public:
  static constexpr const char* kNewest = "$";

  StreamTail(std::shared_ptr<BlockingPool> pool, std::string stream, std::string cursor, StreamTailOptions options = {});
  ~StreamTail();
  StreamTail(const StreamTail&) = delete;
  StreamTail& operator=(const StreamTail&) = delete;

  // The next entries after the cursor: an XREAD reply for this stream (nil: `block` passed with
  // none). An error: this read failed (see Renewal above), or Errc::closed after stop().
  boost::asio::awaitable<Result<Reply>> read();

  void seek(std::string cursor) { cursor_ = std::move(cursor); }
  const std::string& cursor() const { return cursor_; }
  const std::string& stream() const { return stream_; }

  // Thread-safe; see Stop above.
  void stop();
  bool stopped() const { return stopped_.load(); }

 private:
  boost::asio::awaitable<bool> connect();
  boost::asio::awaitable<Result<void>> resolve_newest();

  std::shared_ptr<BlockingPool> pool_;
  std::string stream_;
  std::string cursor_;
  StreamTailOptions options_;
  bool failed_ = false;  // the last read failed: pause and renew before the next one

  std::mutex mu_;  // guards conn_ against stop() from another thread
  std::unique_ptr<DedicatedConnection> conn_;
  std::atomic<bool> stopped_{false};
};

// The id of the newest entry in an XREAD reply for one stream (nil or no entries: nullopt).
std::optional<std::string> last_entry_id(const Reply& xread_reply);

}  // namespace ragcache::redis
