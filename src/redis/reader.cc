#include "redis/reader.h"

#include <hiredis/hiredis.h>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

struct ReplyObjectDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_NIL: out.kind = Reply::Kind::nil; break;
    case REDIS_REPLY_INTEGER:
      out.kind = Reply::Kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STATUS:
      out.kind = Reply::Kind::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.kind = Reply::Kind::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STRING:
      out.kind = Reply::Kind::bulk;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = Reply::Kind::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.kind = Reply::Kind::error;
      out.str = "unsupported reply type " + std::to_string(r->type);
  }
  return out;
}

}  // namespace

void ReplyReader::Deleter::operator()(redisReader* r) const { redisReaderFree(r); }

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  // Keep the internal buffer after large replies only up to 64 KiB.
  reader_->maxbuf = 64 * 1024;
}

ReplyReader::~ReplyReader() = default;

Result<void> ReplyReader::feed(std::string_view bytes) {
  if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    return Error(Errc::protocol_error, reader_->errstr);
  }
  return {};
}

Result<std::optional<Reply>> ReplyReader::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
    return Error(Errc::protocol_error, reader_->errstr);
  }
  if (raw == nullptr) return std::optional<Reply>();
  std::unique_ptr<redisReply, ReplyObjectDeleter> owned(static_cast<redisReply*>(raw));
  return std::optional<Reply>(convert(owned.get()));
}

void ReplyReader::reset() { reader_.reset(redisReaderCreate()); reader_->maxbuf = 64 * 1024; }

}  // namespace ragcache::redis
