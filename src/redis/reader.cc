#include "redis/reader.h"

#include <hiredis/hiredis.h>

#include "redis/errors.h"

namespace ragcache::redis {
namespace {

// hiredis builds the reply through these callbacks, straight into our Reply values: no
// redisReply tree to allocate, copy from and free for every reply (this runs for every reply of
// every connection, so it is on the hot path of everything). A top-level reply is allocated here
// and owned by next() (or freed by hiredis through free_reply on a stream error); an element of
// an array lives in place in its parent's `elements`, which create_array sized up front.
Reply* slot_for(const redisReadTask* task) {
  if (task->parent == nullptr) return new Reply();
  auto* parent = static_cast<Reply*>(task->parent->obj);
  return &parent->elements[static_cast<std::size_t>(task->idx)];
}

void* create_string(const redisReadTask* task, char* str, size_t len) {
  Reply* r = slot_for(task);
  switch (task->type) {
    case REDIS_REPLY_STATUS: r->kind = Reply::Kind::status; break;
    case REDIS_REPLY_ERROR: r->kind = Reply::Kind::error; break;
    default: r->kind = Reply::Kind::bulk; break;
  }
  r->str.assign(str, len);
  return r;
}

void* create_array(const redisReadTask* task, int elements) {
  Reply* r = slot_for(task);
  r->kind = Reply::Kind::array;
  r->elements.resize(static_cast<std::size_t>(elements));
  return r;
}

void* create_integer(const redisReadTask* task, long long value) {
  Reply* r = slot_for(task);
  r->kind = Reply::Kind::integer;
  r->integer = value;
  return r;
}

void* create_nil(const redisReadTask* task) {
  Reply* r = slot_for(task);
  r->kind = Reply::Kind::nil;
  return r;
}

// Only ever called with a top-level reply (hiredis frees the root it holds).
void free_reply(void* reply) { delete static_cast<Reply*>(reply); }

redisReplyObjectFunctions kReplyFunctions = {create_string, create_array, create_integer, create_nil, free_reply};

redisReader* make_reader() {
  redisReader* r = redisReaderCreateWithFunctions(&kReplyFunctions);
  // Keep the internal buffer after large replies only up to 64 KiB.
  r->maxbuf = 64 * 1024;
  return r;
}

}  // namespace

void ReplyReader::Deleter::operator()(redisReader* r) const { redisReaderFree(r); }

ReplyReader::ReplyReader() : reader_(make_reader()) {}

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
  std::unique_ptr<Reply> owned(static_cast<Reply*>(raw));
  return std::optional<Reply>(std::move(*owned));
}

void ReplyReader::reset() { reader_.reset(make_reader()); }

}  // namespace ragcache::redis
