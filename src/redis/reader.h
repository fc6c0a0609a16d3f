// Incremental RESP parsing with hiredis's reader: feed bytes as they arrive, take whole replies
// out as typed Reply values. The only place where hiredis objects become ragcache types.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "base/error.h"
#include "redis/reply.h"

struct redisReader;

namespace ragcache::redis {

class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Appends bytes; an error means the stream is corrupt and the connection must be dropped.
  Result<void> feed(std::string_view bytes);
  // The next complete reply, nullopt if more bytes are needed, or an error if the stream is corrupt.
  Result<std::optional<Reply>> next();
  // Drops buffered bytes (after a reconnect).
  void reset();

 private:
  struct Deleter {
    void operator()(redisReader* r) const;
  };
  std::unique_ptr<redisReader, Deleter> reader_;
};

}  // namespace ragcache::redis
