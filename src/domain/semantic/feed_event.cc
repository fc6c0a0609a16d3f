#include "domain/semantic/feed_event.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "domain/semantic/semantic_keys.h"

namespace ragcache::semantic {

void append_fields(redis::Command& xadd, const FeedEvent& event) {
  if (event.op == FeedEvent::Op::clear) {
    xadd.arg("op").arg("clear");
    return;
  }
  xadd.arg("op").arg(event.op == FeedEvent::Op::add ? "add" : "del");
  xadd.arg("id").arg(format_entry_id(event.id));
  if (event.op == FeedEvent::Op::add) {
    xadd.arg("exp").arg(event.expires_ms);
    xadd.arg("vec").arg(encode_vector(event.vector));
    if (!event.terms.empty()) {
      std::string bytes(event.terms.size() * sizeof(index::Term), '\0');
      std::memcpy(bytes.data(), event.terms.data(), bytes.size());
      xadd.arg("terms").arg(bytes);
    }
  }
}

Result<FeedEvent> parse_feed_fields(const redis::Reply& fields) {
  if (!fields.is_array() || fields.elements.size() % 2 != 0) {
    return Error(Errc::invalid_argument, "feed entry: fields are not name/value pairs");
  }
  std::optional<std::string_view> op, id, exp, vec, terms;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    auto name = fields.elements[i].as_string();
    auto value = fields.elements[i + 1].as_string();
    if (!name || !value) return Error(Errc::invalid_argument, "feed entry: non-string field");
    if (*name == "op") op = *value;
    else if (*name == "id") id = *value;
    else if (*name == "exp") exp = *value;
    else if (*name == "vec") vec = *value;
    else if (*name == "terms") terms = *value;
  }
  FeedEvent event;
  if (!op || (*op != "add" && *op != "del" && *op != "clear")) {
    return Error(Errc::invalid_argument, "feed entry: bad op");
  }
  if (*op == "clear") {
    event.op = FeedEvent::Op::clear;
    return event;
  }
  event.op = *op == "add" ? FeedEvent::Op::add : FeedEvent::Op::del;
  auto parsed_id = id ? parse_entry_id(*id) : std::nullopt;
  if (!parsed_id) return Error(Errc::invalid_argument, "feed entry: bad id");
  event.id = *parsed_id;
  if (event.op == FeedEvent::Op::del) return event;
  if (!exp || !vec) return Error(Errc::invalid_argument, "feed entry: add without exp/vec");
  auto [ptr, ec] = std::from_chars(exp->data(), exp->data() + exp->size(), event.expires_ms);
  if (ec != std::errc() || ptr != exp->data() + exp->size()) {
    return Error(Errc::invalid_argument, "feed entry: bad exp");
  }
  auto vector = decode_vector(*vec);
  if (!vector || vector->empty()) return Error(Errc::invalid_argument, "feed entry: bad vec");
  event.vector = std::move(*vector);
  if (terms) {
    if (terms->size() % sizeof(index::Term) != 0 || terms->size() > index::TermPostings::kMaxTermsPerSlot * sizeof(index::Term)) {
      return Error(Errc::invalid_argument, "feed entry: bad terms");
    }
    event.terms.resize(terms->size() / sizeof(index::Term));
    std::memcpy(event.terms.data(), terms->data(), terms->size());
  }
  return event;
}

namespace {

// Walks an XREAD reply for ONE stream (nil on timeout): `visit(fields)` for each entry, in order;
// returns the last entry id (or `last_stream_id` when there is none).
template <typename Visit>
Result<std::string> walk_xread_reply(const redis::Reply& reply, std::string last_stream_id, Visit visit) {
  if (reply.is_nil()) return last_stream_id;
  // [[stream, [[entry_id, [fields...]], ...]]]
  if (!reply.is_array() || reply.elements.size() != 1 || !reply.elements[0].is_array() ||
      reply.elements[0].elements.size() != 2 || !reply.elements[0].elements[1].is_array()) {
    return Error(Errc::invalid_argument, "XREAD: unexpected reply shape");
  }
  for (const auto& entry : reply.elements[0].elements[1].elements) {
    if (!entry.is_array() || entry.elements.size() != 2) {
      return Error(Errc::invalid_argument, "XREAD: unexpected entry shape");
    }
    auto stream_id = entry.elements[0].as_string();
    if (!stream_id) return Error(Errc::invalid_argument, "XREAD: entry without id");
    last_stream_id = std::string(*stream_id);
    visit(entry.elements[1]);
  }
  return last_stream_id;
}

}  // namespace

Result<FeedBatch> parse_xread_reply(const redis::Reply& reply, std::string last_stream_id) {
  FeedBatch batch;
  auto last = walk_xread_reply(reply, std::move(last_stream_id), [&](const redis::Reply& fields) {
    auto event = parse_feed_fields(fields);
    if (event) batch.events.push_back(std::move(*event));
    else ++batch.malformed;
  });
  if (!last) return last.error();
  batch.last_stream_id = std::move(*last);
  return batch;
}

Result<RingBatch> parse_ring_reply(const redis::Reply& reply, std::string last_stream_id) {
  RingBatch batch;
  auto last = walk_xread_reply(reply, std::move(last_stream_id), [&](const redis::Reply& fields) {
    // [p, <partition id>]; anything else is not ours and is skipped.
    if (!fields.is_array() || fields.elements.size() != 2) return;
    auto name = fields.elements[0].as_string();
    auto value = fields.elements[1].as_string();
    if (!name || *name != "p" || !value || value->empty()) return;
    if (std::find(batch.partitions.begin(), batch.partitions.end(), *value) == batch.partitions.end()) {
      batch.partitions.emplace_back(*value);
    }
  });
  if (!last) return last.error();
  batch.last_stream_id = std::move(*last);
  return batch;
}

}  // namespace ragcache::semantic
