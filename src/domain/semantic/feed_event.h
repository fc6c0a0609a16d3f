// The change feed of one partition (`rag:semlog:{p}`, a Redis Stream): what every process tails
// to keep its in-memory index in step with Redis. Pure encoding/decoding, unit-tested.
//
//   add: op=add id=<16 hex> exp=<expiry, ms since epoch> vec=<float32 bytes> [terms=<u32 bytes>]
//   del: op=del id=<16 hex>
//   clear: op=clear                  (the whole partition was invalidated: drop its index)
//
// An add carries the vector, expiry and question terms (index/term_postings.h; little-endian
// u32s, absent when the question had none) so a tailing process can index the entry without
// another round trip; the Hash stays the source of truth (lookups verify there before serving).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "index/vector_index.h"
#include "redis/command.h"
#include "redis/reply.h"

namespace ragcache::semantic {

struct FeedEvent {
  enum class Op { add, del, clear };
  Op op = Op::add;
  index::EntryId id = 0;
  std::int64_t expires_ms = 0;  // add only
  std::vector<float> vector;    // add only
  std::vector<index::Term> terms{};  // add only; may be empty
};

// Appends the event's field/value pairs to an XADD command.
void append_fields(redis::Command& xadd, const FeedEvent& event);

// One stream entry's field list ([f1, v1, f2, v2, ...]) -> event; invalid_argument if malformed.
Result<FeedEvent> parse_feed_fields(const redis::Reply& fields);

struct FeedBatch {
  std::string last_stream_id;  // the id to continue from (unchanged if no entries)
  std::vector<FeedEvent> events;
  std::size_t malformed = 0;   // entries skipped because they could not be parsed
};

// An XREAD reply for ONE stream (nil on timeout) -> its events in order.
Result<FeedBatch> parse_xread_reply(const redis::Reply& reply, std::string last_stream_id);

// The doorbell stream (SemanticKeys::ring(): one entry p=<partition id> after each change to that
// partition's feed): the partitions named, each once, in order of first appearance.
struct RingBatch {
  std::string last_stream_id;  // the id to continue from (unchanged if no entries)
  std::vector<std::string> partitions;
};
Result<RingBatch> parse_ring_reply(const redis::Reply& reply, std::string last_stream_id);

}  // namespace ragcache::semantic
